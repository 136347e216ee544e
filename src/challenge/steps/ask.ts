import type { MediaLeg } from '../../calls/call-channel.js';
import { mediaPrompt } from '../../calls/media-prompts.js';
import { PromptListener } from '../prompt-listener.js';
import { type ChallengeContext, MEDIA_RATE } from './context.js';

export interface AskOptions {
  /** Voiced time over the prompt that stops it (`challenge.bargeInMs` unless given; 0: never). */
  bargeInMs?: number;
  /** Listen at least this long from the prompt's start, though it is shorter (`listen.holdMs`). */
  listenMs?: number;
  /** Pauses this short do not break the caller's voiced run (`PromptListenerOptions.gapMs`). */
  gapMs?: number;
}

/**
 * Asks over the media leg while hearing the caller (Asterisk hears nothing from a bridged
 * channel that is playing a sound of its own), and stops the question when they answer over
 * it (`challenge.bargeInMs`; 0: the question always plays out). `what` is a sound name (played
 * by Asterisk, without barge-in, when Doorman has no copy of it) or 16 kHz audio. Returns what
 * was heard meanwhile: the start of the answer, or the line's last moments.
 */
export async function ask(
  ctx: ChallengeContext,
  leg: MediaLeg,
  what: string | Int16Array,
  opts: AskOptions = {},
): Promise<PromptListener> {
  const cfg = ctx.config;
  const bargeInMs = opts.bargeInMs ?? cfg.challenge.bargeInMs;
  const heard = new PromptListener({
    sampleRate: MEDIA_RATE,
    speechThresholdDbfs: cfg.listen.speechThresholdDbfs,
    noiseMarginDb: cfg.listen.noiseMarginDb,
    bargeInMs: bargeInMs || Number.POSITIVE_INFINITY,
    keepBeforeMs: cfg.listen.feedBeforeSpeechMs,
    ...(opts.gapMs === undefined ? {} : { gapMs: opts.gapMs }),
  });
  const t0 = performance.now();
  const frames = leg.audio();
  // A leg that closes ends the stream; leg.play then says so.
  (async () => {
    for await (const frame of frames) heard.push(frame);
  })().catch(() => {});
  try {
    const audio = typeof what === 'string' ? await mediaPrompt(what) : what;
    if (audio && leg.open) await leg.play(audio, heard.speaking);
    else if (typeof what === 'string') await ctx.channel.playSound(what);
    const restMs = (opts.listenMs ?? 0) - (performance.now() - t0);
    if (restMs > 0 && !heard.answered && leg.open) await quietFor(restMs, heard.speaking, ctx.channel.signal);
  } finally {
    frames.close();
  }
  return heard;
}

/** Waits `ms`, or less if the caller speaks or the call ends. */
function quietFor(ms: number, speaking: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    speaking.then(done);
  });
}

import type { MediaLeg } from '../../calls/call-channel.js';
import { mediaPrompt } from '../../calls/media-prompts.js';
import { PromptListener } from '../prompt-listener.js';
import { type ChallengeContext, MEDIA_RATE } from './context.js';

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
): Promise<PromptListener> {
  const cfg = ctx.config;
  const heard = new PromptListener({
    sampleRate: MEDIA_RATE,
    speechThresholdDbfs: cfg.listen.speechThresholdDbfs,
    noiseMarginDb: cfg.listen.noiseMarginDb,
    bargeInMs: cfg.challenge.bargeInMs || Number.POSITIVE_INFINITY,
    keepBeforeMs: cfg.listen.feedBeforeSpeechMs,
  });
  const stop = leg.onAudio((frame) => heard.push(frame));
  try {
    const audio = typeof what === 'string' ? await mediaPrompt(what) : what;
    if (audio && leg.open) await leg.play(audio, heard.speaking);
    else if (typeof what === 'string') await ctx.channel.playSound(what);
  } finally {
    stop();
  }
  return heard;
}

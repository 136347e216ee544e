import { dbfs, rms } from '../../audio/levels.js';
import { pcmFromBytes } from '../../audio/wav.js';
import type { MediaLeg } from '../../calls/call-channel.js';
import { defined } from '../../util/defined.js';
import { type AnswerDeps, AnswerListener } from '../answer.js';
import type { HeardAnswer } from '../heard-answer.js';
import { type ChallengeContext, FRAME_BYTES, MEDIA_RATE } from './context.js';

/**
 * How long the line may send nothing before that time counts as silence. Frames that are late
 * or come in a bunch (a busy machine, network jitter) are not a gap: filling for them put
 * silence into the middle of the answer, which the speech detector then measured the line's
 * noise against.
 */
const LINE_QUIET_MS = 200;

/**
 * Streams the caller's answer into the challenge until it is over, then decides, records and
 * reports it. `early` is what they said over the question (or its last moments), heard before
 * listening began.
 */
export function listen(
  ctx: ChallengeContext,
  leg: MediaLeg,
  early: Buffer[] = [],
  deps: AnswerDeps = ctx.challenge.deps,
  recordAs: string = ctx.channel.id,
): Promise<HeardAnswer> {
  const { signal } = ctx.channel;
  const cfg = ctx.config.listen;
  const listener = new AnswerListener(deps, MEDIA_RATE, signal);
  const frames: Buffer[] = [];
  let received = 0;
  // Wall time up to which the line's audio is accounted for, by frames or by filled silence.
  let accountedAt = performance.now();
  // Audio time drives the endpointer; wall time backs it up when frames stop coming.
  const deadlineMs = cfg.noSpeechTimeoutMs + cfg.maxSpeechMs;
  return new Promise<HeardAnswer>((resolve, reject) => {
    let finished = false;
    const audio = leg.audio();
    const cleanup = () => {
      clearTimeout(timer);
      clearInterval(gapFiller);
      audio.close();
    };
    const finish = () => {
      if (finished) return;
      finished = true;
      cleanup();
      conclude(ctx, listener, frames, received, leg.framesBeforeStart, recordAs).then(resolve, reject);
    };
    const fail = (e: unknown) => {
      if (finished) return;
      finished = true;
      cleanup();
      reject(e);
    };
    const push = (frame: Buffer) => {
      frames.push(frame);
      if (listener.push(frame)) finish();
    };
    const timer = setTimeout(finish, deadlineMs);
    // Nothing arrives while the caller's side sends no frames (a Local channel in Wait(), a
    // phone with silence suppression): time with no audio counts as silence. Looked at after
    // the event loop's I/O (setImmediate), so frames that waited out a stall are taken first.
    const fillGap = () => {
      if (finished) return;
      const quietMs = performance.now() - accountedAt;
      if (quietMs < LINE_QUIET_MS) return;
      const n = Math.floor(quietMs / 20);
      accountedAt += n * 20;
      // A frame at a time: the answer may end inside the gap, and the recording ends with it.
      for (let i = 0; i < n && !finished; i++) push(Buffer.alloc(FRAME_BYTES));
    };
    const gapFiller = setInterval(() => setImmediate(fillGap), 100);
    // A call already over, or a leg already closed, ends the stream at its first read.
    if (!signal.aborted && leg.open) {
      for (const frame of early) {
        received++;
        push(frame);
        if (finished) return;
      }
    }
    (async () => {
      for await (const frame of audio) {
        received++;
        accountedAt = performance.now();
        push(frame);
      }
    })().catch(fail);
  });
}

async function conclude(
  ctx: ChallengeContext,
  listener: AnswerListener,
  frames: Buffer[],
  received: number,
  framesBeforeStart: number,
  recordAs: string,
): Promise<HeardAnswer> {
  const result = await listener.finish();
  const pcm = pcmFromBytes(Buffer.concat(frames));
  const start = (result.speechStartMs * MEDIA_RATE) / 1000;
  const end = Math.min(pcm.length, start + (result.speechMs * MEDIA_RATE) / 1000);
  const level = result.speechMs > 0 ? rms(pcm, start, end) : 0;
  const recording = await ctx.recordings
    .save(recordAs, { sampleRate: MEDIA_RATE, samples: pcm })
    .catch((e) => {
      ctx.log.warn({ err: e }, 'could not save the recorded answer');
      return null;
    });
  const answer: HeardAnswer = {
    outcome: result.outcome,
    entry: result.entry,
    contenders: result.contenders,
    ...(result.askFullName ? { askFullName: true } : {}),
    transcript: result.transcript,
    candidates: result.candidates.map((c) => ({ id: c.id, score: c.score })),
    endpoint: result.endpoint,
    audioMs: result.audioMs,
    speechMs: result.speechMs,
    voicedMs: result.voicedMs,
    speechDbfs: level > 0 ? Math.round(dbfs(level) * 10) / 10 : null,
    noiseFloorDbfs: result.noiseFloorDbfs,
    decisionMs: Math.round(result.decisionMs),
    ...defined({
      fit: result.fit,
      checked: result.checked,
      loopPhones: result.loopPhones,
      denoised: result.denoised,
      recognitionLagMs: result.recognitionLagMs,
      recognitionWarp: result.recognitionWarp,
    }),
    frames: received,
    framesBeforeStart,
    recording,
  };
  ctx.log.info({ answer }, 'answer heard');
  ctx.publish({
    type: 'heard',
    transcript: answer.transcript,
    outcome: answer.outcome,
    candidates: answer.candidates.slice(0, 3),
  });
  return answer;
}

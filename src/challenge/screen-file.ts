import { readFile } from 'node:fs/promises';
import { type Pcm16, parseWav } from '../audio/wav.js';
import { defined } from '../util/defined.js';
import { AnswerListener, type AnswerResult, continueAnswer, goesOn, measuresOf } from './answer.js';
import { PromptListener, TALK_GAP_MS } from './prompt-listener.js';
import type { Challenge } from './setup.js';

export interface ScreenFileResult {
  file: string;
  transcript: string;
  outcome: AnswerResult['outcome'];
  entry: string | null;
  candidates: Array<{ id: string; score: number }>;
  /** The recogniser's acoustic fit (`challenge.minAcousticFit`), when it gives one. */
  fit?: number;
  /** Nobody named for sure, but a lone name word heard badly: a live call asks for the full name. */
  askFullName?: true;
  /** The frequency warp the answer was heard through, when the recogniser tries several. */
  warp?: number;
  ms: number;
}

const FRAME_MS = 20;
const OFFLINE_FINAL_MS = 60_000;

/**
 * Runs a recorded answer through the live challenge's code: 20 ms frames into the endpointer and
 * engine, then matching and decision. `ms` is the wall time it took.
 */
export async function screenFile(
  challenge: Challenge,
  file: string,
): Promise<ScreenFileResult & { detail: AnswerResult }> {
  const t0 = performance.now();
  const pcm = parseWav(await readFile(file));
  const detail = await screenPcm(challenge, pcm);
  return {
    file,
    transcript: detail.transcript,
    outcome: detail.outcome,
    entry: detail.entry,
    candidates: detail.candidates.map((c) => ({ id: c.id, score: c.score })),
    ...defined({ fit: detail.fit, warp: detail.recognitionWarp }),
    ...(detail.askFullName ? { askFullName: true as const } : {}),
    ms: Math.round(performance.now() - t0),
    detail,
  };
}

/**
 * The challenge's verdict on audio already in memory (8 or 16 kHz), heard as a live call hears
 * it: the answer up to its endpoint, then, if it names someone, the hold (`listen.holdMs`) over
 * the audio that follows; a caller who talks on over it is heard out as one answer.
 */
export async function screenPcm(challenge: Challenge, pcm: Pcm16): Promise<AnswerResult> {
  if (pcm.sampleRate !== 8000 && pcm.sampleRate !== 16000) {
    throw new Error(`${pcm.sampleRate} Hz; 8000 or 16000 Hz needed`);
  }
  // No caller is waiting on a recording: a busy machine may decode slower than real time, and
  // the live deadline on the final transcript would turn that into a wrong outcome.
  const deps = {
    ...challenge.deps,
    finalTimeoutMs: Math.max(challenge.deps.finalTimeoutMs, OFFLINE_FINAL_MS),
    realTime: false,
  };
  const rate = pcm.sampleRate;
  const { listen } = deps;
  const frames = framesOf(pcm);
  let next = 0;
  const hear = async (first: Buffer[]): Promise<AnswerResult> => {
    const listener = new AnswerListener(deps, rate, new AbortController().signal);
    let over = first.some((f) => listener.push(f));
    for (let k = 1; !over && next < frames.length; k++) {
      over = listener.push(frames[next++] as Buffer);
      // Let the engine decode as audio arrives, as it does live, so the decision time is comparable.
      if (k % 5 === 0) await new Promise<void>((r) => setImmediate(r));
    }
    return listener.finish();
  };
  let answer = await hear([]);
  for (let part = 1; listen.holdMs > 0 && goesOn(answer, part); part++) {
    const held = new PromptListener({
      ...listen,
      sampleRate: rate,
      bargeInMs: listen.talkOverMs,
      gapMs: TALK_GAP_MS,
      keepBeforeMs: listen.feedBeforeSpeechMs,
    });
    for (let ms = 0; ms < listen.holdMs && next < frames.length && !held.answered; ms += FRAME_MS) {
      held.push(frames[next++] as Buffer);
    }
    if (!held.answered) break;
    const more = await hear(held.heard());
    const whole = continueAnswer(deps, answer, more);
    answer = {
      ...more,
      ...whole.decision,
      evidence: whole.evidence,
      transcript: whole.transcript,
      candidates: whole.match.candidates.slice(0, 5),
      speechMs: whole.speechMs,
      speechStartMs: answer.speechStartMs,
      audioMs: answer.audioMs + more.audioMs,
      ...measuresOf(whole),
    };
  }
  return answer;
}

/** The audio as the media leg brings it: 20 ms frames of 16-bit PCM (the last one may be short). */
function framesOf(pcm: Pcm16): Buffer[] {
  const step = (pcm.sampleRate * FRAME_MS) / 1000;
  const frames: Buffer[] = [];
  for (let off = 0; off < pcm.samples.length; off += step) {
    const n = Math.min(step, pcm.samples.length - off);
    const frame = Buffer.alloc(n * 2);
    for (let i = 0; i < n; i++) frame.writeInt16LE(pcm.samples[off + i] as number, i * 2);
    frames.push(frame);
  }
  return frames;
}

import { readFile } from 'node:fs/promises';
import { type Pcm16, parseWav } from '../audio/wav.js';
import { AnswerListener, type AnswerResult } from './answer.js';
import type { Challenge } from './setup.js';

export interface ScreenFileResult {
  file: string;
  transcript: string;
  outcome: AnswerResult['outcome'];
  entry: string | null;
  candidates: Array<{ id: string; score: number }>;
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
    ms: Math.round(performance.now() - t0),
    detail,
  };
}

/** The challenge's verdict on audio already in memory (8 or 16 kHz). */
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
  const listener = new AnswerListener(deps, pcm.sampleRate, new AbortController().signal);
  const step = (pcm.sampleRate * FRAME_MS) / 1000;
  const frame = Buffer.alloc(step * 2);
  for (let off = 0, k = 1; off < pcm.samples.length; off += step, k++) {
    const n = Math.min(step, pcm.samples.length - off);
    for (let i = 0; i < n; i++) frame.writeInt16LE(pcm.samples[off + i] as number, i * 2);
    if (listener.push(n === step ? frame : frame.subarray(0, n * 2))) break;
    // Let the engine decode as audio arrives, as it does live, so the decision time is comparable.
    if (k % 5 === 0) await new Promise<void>((r) => setImmediate(r));
  }
  return listener.finish();
}

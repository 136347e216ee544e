import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { parseWav } from '../../src/audio/wav.js';
import type { SpeechEngine, SpeechResult } from '../../src/speech/engine.js';

export interface RecogniseOptions {
  rate?: 8000 | 16000;
  signal?: AbortSignal;
  grammar?: string;
  /** `StreamOptions.realTime`; the engine's default when absent. */
  realTime?: boolean;
  /** Frames at the pace they were spoken (20 ms apart), as a call sends them; else as fast as it takes them. */
  paced?: boolean;
}

/** Streams a WAV into an engine in 20 ms frames, as a call would, and collects every result. */
export async function recognise(
  engine: SpeechEngine,
  file: string,
  { rate = 8000, signal = new AbortController().signal, grammar, realTime, paced }: RecogniseOptions = {},
) {
  const pcm = parseWav(readFileSync(file));
  let samples = pcm.samples;
  if (rate === 16000)
    samples = Int16Array.from({ length: samples.length * 2 }, (_, i) => samples[i >> 1] as number);
  const stream = engine.open({
    sampleRate: rate,
    hints: ['Alice Johnson', 'Accounts'],
    language: 'en-US',
    signal,
    ...(grammar ? { grammar } : {}),
    ...(realTime === undefined ? {} : { realTime }),
  });
  const results: SpeechResult[] = [];
  const reading = (async () => {
    for await (const r of stream.results()) results.push(r);
  })();
  const step = rate / 50;
  const t0 = performance.now();
  for (let off = 0, k = 0; off < samples.length; off += step, k++) {
    stream.write(Buffer.from(samples.slice(off, off + step).buffer));
    if (paced) await new Promise((r) => setTimeout(r, Math.max(0, t0 + (k + 1) * 20 - performance.now())));
    else if (off % (step * 5) === 0) await new Promise((r) => setImmediate(r));
  }
  stream.end();
  await reading;
  return results;
}

/**
 * What every SpeechEngine must do, whatever is behind it: partial results while audio streams,
 * exactly one final result, 8 and 16 kHz, and an abort that ends the stream.
 */
export function engineContract(engine: () => SpeechEngine, say: { file: string; expect: RegExp }) {
  it('streams partial results, then exactly one final transcript', async () => {
    const results = await recognise(engine(), say.file);
    assert.equal(results.at(-1)?.final, true);
    assert.match(results.at(-1)?.text ?? '', say.expect);
    assert.ok(results.filter((r) => !r.final).length >= 1, 'partials came first');
    assert.equal(results.filter((r) => r.final).length, 1);
  });

  it('takes 16 kHz audio as well', async () => {
    const results = await recognise(engine(), say.file, { rate: 16000 });
    assert.match(results.at(-1)?.text ?? '', say.expect);
  });

  it('ends the stream when aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const results = await recognise(engine(), say.file, { signal: ac.signal });
    assert.equal(results.at(-1)?.final, true);
  });
}

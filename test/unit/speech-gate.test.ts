import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpeechGate } from '../../src/audio/speech-gate.js';

const RATE = 8_000;
const FRAME = 160; // 20 ms

/** A 20 ms frame per element: `s` speech (a loud tone), `.` silence; each carries its index. */
function frames(pattern: string): Int16Array[] {
  return [...pattern].map((c, k) => {
    const f = new Int16Array(FRAME);
    for (let i = 0; i < FRAME; i++)
      f[i] = c === 's' ? Math.round(6_000 * Math.sin((2 * Math.PI * 300 * i) / RATE)) : 0;
    f[0] = k; // tag (quiet enough not to change the level of a silent frame)
    return f;
  });
}

/** Pushes the pattern in pieces of `chunk` samples; returns the tags of the frames passed on. */
function passed(gate: SpeechGate, pattern: string, chunk = FRAME): number[] {
  const all = frames(pattern);
  const audio = new Int16Array(all.length * FRAME);
  for (const [k, f] of all.entries()) audio.set(f, k * FRAME);
  const out: number[] = [];
  for (let i = 0; i < audio.length; i += chunk) {
    for (const f of gate.push(audio.subarray(i, i + chunk))) {
      for (let j = 0; j < f.length; j += FRAME) out.push(f[j] as number);
    }
  }
  return out;
}

const gate = (before = 60, after = 40) =>
  new SpeechGate({
    sampleRate: RATE,
    speechThresholdDbfs: -42,
    feedBeforeSpeechMs: before,
    feedAfterSpeechMs: after,
  });
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('speech gate (what the recogniser hears)', () => {
  it('holds back silence before speech except the last moments, and sends nothing for silence alone', () => {
    const g = gate();
    assert.deepEqual(passed(g, '..........'), []);
    assert.equal(g.passedSpeech, false);
    assert.deepEqual(passed(gate(), '..........sss'), range(7, 13));
  });

  it('sends a short pause on, holds a long one, and sends the held pause once speech resumes', () => {
    // After speech: two frames of pause go on at once; the rest waits.
    assert.deepEqual(passed(gate(), 'ss......'), range(0, 4));
    // Speech resumes after a six-frame pause: every frame arrives, in order.
    assert.deepEqual(passed(gate(), 'ss......ss..'), range(0, 12));
  });

  it('gives the same frames whatever size the pieces arrive in', () => {
    const pattern = '...ss.s......sss...';
    const want = passed(gate(), pattern);
    for (const chunk of [37, 160, 333, 1000]) assert.deepEqual(passed(gate(), pattern, chunk), want);
  });
});

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
    noiseMarginDb: 8,
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
    assert.deepEqual(passed(gate(), '.ss......'), range(0, 5));
    // Speech resumes after a six-frame pause: every frame arrives, in order.
    assert.deepEqual(passed(gate(), '.ss......ss..'), range(0, 13));
  });

  it('holds back the hiss of a noisy line, and sends the caller who speaks over it', () => {
    // '~': hiss louder than the fixed threshold; 'S': speech over the same hiss.
    const noisy = (pattern: string) =>
      [...pattern].map((c, k) => {
        const f = new Int16Array(FRAME);
        for (let i = 0; i < FRAME; i++) {
          const hiss = Math.round(1_500 * Math.sin(i * 2.1 + k * 7.3) * Math.cos(i * 0.37 + k));
          f[i] = hiss + (c === 'S' ? Math.round(9_000 * Math.sin((2 * Math.PI * 300 * i) / RATE)) : 0);
        }
        f[0] = k;
        return f;
      });
    const g = gate();
    const out: number[] = [];
    for (const f of noisy('~~~~~~~~~~SSSS~~~~~~~~~~')) for (const x of g.push(f)) out.push(x[0] as number);
    // The three frames before the speech, the speech, and two of the pause after it.
    assert.deepEqual(out, range(7, 16));
    const fixedOnly = new SpeechGate({
      sampleRate: RATE,
      speechThresholdDbfs: -42,
      noiseMarginDb: 0,
      feedBeforeSpeechMs: 60,
      feedAfterSpeechMs: 40,
    });
    const all = noisy('~~~~~~~~~~').flatMap((f) => fixedOnly.push(f));
    assert.equal(all.length, 10, 'the fixed threshold alone takes the hiss for speech');
  });

  it('gives the same frames whatever size the pieces arrive in', () => {
    const pattern = '...ss.s......sss...';
    const want = passed(gate(), pattern);
    for (const chunk of [37, 160, 333, 1000]) assert.deepEqual(passed(gate(), pattern, chunk), want);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Endpointer, type EndpointerOptions } from '../../src/audio/endpointer.js';

const RATE = 16_000;
const opts: EndpointerOptions = {
  sampleRate: RATE,
  speechThresholdDbfs: -42,
  speechStartMs: 100,
  endSilenceMs: 800,
  noSpeechTimeoutMs: 5_000,
  maxSpeechMs: 20_000,
};

function tone(ms: number, amplitude = 6_000): Int16Array {
  const n = (RATE * ms) / 1000;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 300 * i) / RATE));
  return out;
}
const silence = (ms: number, noise = 0) => {
  const out = new Int16Array((RATE * ms) / 1000);
  for (let i = 0; i < out.length; i++) out[i] = noise ? Math.round((Math.random() - 0.5) * noise) : 0;
  return out;
};

/** Feeds in 20 ms frames, as a media socket would, and returns the endpoint. */
function run(e: Endpointer, ...parts: Int16Array[]) {
  for (const p of parts) {
    for (let i = 0; i < p.length; i += 320) {
      const r = e.push(p.subarray(i, i + 320));
      if (r) return r;
    }
  }
  return e.finish();
}

describe('Endpointer', () => {
  it('ends an answer after the configured silence and measures its span', () => {
    const r = run(new Endpointer(opts), silence(400), tone(1_500), silence(200), tone(700), silence(2_000));
    assert.equal(r.reason, 'speech');
    assert.equal(r.speechStartMs, 400);
    assert.equal(r.speechEndMs, 400 + 1_500 + 200 + 700);
  });

  it('keeps listening through pauses shorter than the end silence', () => {
    const e = new Endpointer(opts);
    assert.equal(run(e, tone(500), silence(700), tone(500)).speechEndMs, 1_700);
  });

  it('says silence when nobody speaks before the no-speech timeout', () => {
    const e = new Endpointer(opts);
    const r = run(e, silence(10_000, 200));
    assert.equal(r.reason, 'silence');
    assert.equal(r.speechStartMs, null);
    assert.equal(e.elapsedMs, 5_000);
  });

  it('ignores clicks shorter than the speech start time', () => {
    const r = run(new Endpointer(opts), silence(300), tone(40, 20_000), silence(6_000));
    assert.equal(r.reason, 'silence');
  });

  it('ignores sound quieter than the threshold', () => {
    const r = run(new Endpointer(opts), tone(3_000, 150), silence(3_000));
    assert.equal(r.reason, 'silence');
  });

  it('cuts off a monologue at the maximum', () => {
    const r = run(new Endpointer({ ...opts, maxSpeechMs: 3_000 }), silence(200), tone(10_000));
    assert.equal(r.reason, 'max');
    assert.equal(r.speechStartMs, 200);
  });

  it('decides with what it has when the audio ends early', () => {
    const e = new Endpointer(opts);
    run(e, tone(600));
    assert.deepEqual(e.finish(), { reason: 'speech', speechStartMs: 0, speechEndMs: 600 });
  });

  it('counts time the same for any frame size', () => {
    const whole = new Endpointer(opts);
    const audio = new Int16Array([...silence(300), ...tone(900), ...silence(1_000)]);
    whole.push(audio);
    const odd = new Endpointer(opts);
    for (let i = 0; i < audio.length; i += 77) odd.push(audio.subarray(i, i + 77));
    assert.deepEqual(odd.done, whole.done);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Endpointer, type EndpointerOptions } from '../../src/audio/endpointer.js';

const RATE = 16_000;
const opts: EndpointerOptions = {
  sampleRate: RATE,
  speechThresholdDbfs: -42,
  noiseMarginDb: 8,
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
    const e = new Endpointer(opts);
    const r = run(e, silence(400), tone(1_500), silence(200), tone(700), silence(2_000));
    assert.equal(r.reason, 'speech');
    assert.equal(r.speechStartMs, 400);
    assert.equal(r.speechEndMs, 400 + 1_500 + 200 + 700);
    assert.equal(e.noiseFloorDbfs, null, 'a digitally silent line has no noise to measure');
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
    // Speech pauses between words; a level that never moves is the line's noise, not a voice.
    const words = Array.from({ length: 20 }, (_, i) => (i % 2 ? silence(100) : tone(400)));
    const r = run(new Endpointer({ ...opts, maxSpeechMs: 3_000 }), silence(200), ...words);
    assert.equal(r.reason, 'max');
    assert.equal(r.speechStartMs, 200);
  });

  it('decides with what it has when the audio ends early', () => {
    const e = new Endpointer(opts);
    run(e, silence(200), tone(600));
    assert.deepEqual(e.finish(), { reason: 'speech', speechStartMs: 200, speechEndMs: 800, voicedMs: 600 });
  });

  it('counts the voiced time of an answer without its pauses', () => {
    // "Uh... [a pause] Alice Johnson": the span holds the pause, the voiced time does not.
    const r = run(new Endpointer(opts), silence(200), tone(300), silence(600), tone(500), silence(1_000));
    assert.equal(r.reason, 'speech');
    assert.equal((r.speechEndMs ?? 0) - (r.speechStartMs ?? 0), 1_400);
    assert.equal(r.voicedMs, 800);
  });

  it('ends the answer of a caller on a hissing line when they stop, not when the line does', () => {
    // Hiss at about -31 dBFS, over the fixed threshold; speech some 14 dB above it.
    const hiss = (ms: number) => silence(ms, 3_000);
    const spoken = (ms: number) => {
      const t = tone(ms);
      const h = hiss(ms);
      return t.map((v, i) => v + (h[i] as number));
    };
    const e = new Endpointer(opts);
    const r = run(e, hiss(1_000), spoken(1_500), hiss(30_000));
    assert.equal(r.reason, 'speech');
    // Uniform noise of peak 1,500 has an RMS of 866: -31.6 dBFS (the floor is its quietest frame).
    const floor = e.noiseFloorDbfs ?? 0;
    assert.ok(floor > -34 && floor < -31, `noise floor ${floor} dBFS`);
    assert.ok(Math.abs((r.speechStartMs ?? 0) - 1_000) <= 40, `started at ${r.speechStartMs}`);
    assert.ok(Math.abs((r.speechEndMs ?? 0) - 2_500) <= 40, `ended at ${r.speechEndMs}`);
    // The fixed threshold alone hears the hiss as a caller who never stops: cut off as a monologue.
    const fixedOnly = run(
      new Endpointer({ ...opts, noiseMarginDb: 0 }),
      hiss(1_000),
      spoken(1_500),
      hiss(30_000),
    );
    assert.equal(fixedOnly.reason, 'max');
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

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { Denoisers } from '../../src/audio/denoiser.js';
import { Downsampler, Upsampler } from '../../src/audio/resample.js';
import { parseWav } from '../../src/audio/wav.js';
import { speechWav } from '../support/speech.js';

const tone = (hz: number, rate: number, n: number) =>
  Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));
const rms = (x: Float32Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / Math.max(1, x.length));
const concat = (parts: Float32Array[]) => {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
/** Level of `hz` in `x` (sampled at `rate`), from its projection on that frequency. */
const levelAt = (x: Float32Array, hz: number, rate: number) => {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += (x[i] as number) * Math.cos((2 * Math.PI * hz * i) / rate);
    im += (x[i] as number) * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / x.length;
};
/** Seeded white noise, so a failure can be replayed. */
function noise(n: number, level: number, seed = 1): Float32Array {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  return Float32Array.from(
    { length: n },
    () => level * Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand()),
  );
}

describe('whole-factor resampling (8 kHz <-> 48 kHz for the denoiser)', () => {
  it('raises a tone six times over without changing it, and leaves no mirror images', () => {
    const up = new Upsampler(6).process(tone(1000, 8000, 800));
    assert.equal(up.length, 4800);
    const body = up.subarray(480, 4320);
    assert.ok(Math.abs(levelAt(body, 1000, 48000) - 0.5) < 0.01, `1 kHz at ${levelAt(body, 1000, 48000)}`);
    // The zeros between samples would put copies of the tone at 7, 9, 15 kHz...: filtered out.
    for (const image of [7000, 9000, 15000]) assert.ok(levelAt(body, image, 48000) < 0.005, `${image} Hz`);
  });

  it('passes speech frequencies both ways and stops what the lower rate cannot hold', () => {
    for (const hz of [300, 1000, 3000]) {
      const back = new Downsampler(6).process(new Upsampler(6).process(tone(hz, 8000, 800)));
      assert.equal(back.length, 800);
      const level = levelAt(back.subarray(80, 720), hz, 8000);
      assert.ok(level > 0.45 && level < 0.55, `${hz} Hz came back at ${level}`);
    }
    // 6 kHz at 48 kHz would fold onto 2 kHz at 8 kHz.
    const folded = new Downsampler(6).process(tone(6000, 48000, 4800));
    assert.ok(rms(folded.subarray(80)) < 0.01, `6 kHz left ${rms(folded.subarray(80))}`);
  });

  it('gives the same samples whether fed at once or in uneven pieces', () => {
    const x = concat([tone(440, 8000, 500), noise(333, 0.1)]);
    const whole = new Downsampler(6).process(new Upsampler(6).process(x));
    const up = new Upsampler(6);
    const down = new Downsampler(6);
    const pieces = [7, 160, 1, 300, 365].map((n, i, all) => {
      const from = all.slice(0, i).reduce((a, b) => a + b, 0);
      return down.process(up.process(x.subarray(from, from + n)));
    });
    assert.deepEqual(concat(pieces), whole);
  });
});

describe('RNNoise in front of the recogniser', () => {
  let denoisers: Denoisers;
  const speech = () => {
    const wav = parseWav(
      readFileSync(speechWav('denoise-alice', 'I would like to speak to Alice Johnson, please.')),
    );
    return Float32Array.from(wav.samples, (v) => v / 32768);
  };
  const run = (pcm: Float32Array) => {
    const s = denoisers.open(8000);
    // 20 ms frames, as they come off the media socket.
    const parts: Float32Array[] = [];
    for (let at = 0; at < pcm.length; at += 160) parts.push(s.process(pcm.subarray(at, at + 160)));
    parts.push(s.finish());
    s.release();
    return concat(parts);
  };

  before(async () => {
    denoisers = await Denoisers.load();
  });

  it('takes hiss out of the pauses and keeps the words', () => {
    const said = speech();
    const pause = 8000; // one second of line noise before the caller speaks
    const clean = concat([new Float32Array(pause), said]);
    const hiss = noise(clean.length, 0.3 * rms(said));
    const noisy = clean.map((v, i) => v + (hiss[i] as number));
    const out = run(noisy);
    // 10 ms of RNNoise's own delay plus the filters', then the audio as long as it came.
    assert.ok(out.length >= noisy.length && out.length <= noisy.length + 160, `length ${out.length}`);
    const before = rms(noisy.subarray(800, pause - 800));
    const after = rms(out.subarray(800, pause - 800));
    assert.ok(20 * Math.log10(after / before) < -10, `noise down only ${20 * Math.log10(after / before)} dB`);
    const words =
      rms(out.subarray(pause + 800, out.length - 800)) / rms(clean.subarray(pause + 800, clean.length - 800));
    assert.ok(words > 0.5 && words < 1.5, `speech level changed by ${words}`);
  });

  it('starts every stream afresh: a reused state gives what a new one gives', () => {
    const said = speech();
    const first = run(said);
    run(noise(4000, 0.2, 7)); // leaves a state behind with other noise in its memory
    assert.deepEqual(run(said), first);
  });

  it('refuses a sample rate it cannot reach 48 kHz from', () => {
    assert.throws(() => denoisers.open(11025), RangeError);
  });
});

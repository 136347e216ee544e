import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { alawFromPcm, ulawFromPcm } from '../../src/audio/g711.js';
import { parseWav } from '../../src/audio/wav.js';
import { speechWav } from '../support/speech.js';

/** Signal-to-noise ratio of `decoded` against `original`, dB. */
function snrDb(original: Int16Array, decoded: Int16Array): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < original.length; i++) {
    const s = original[i] as number;
    signal += s * s;
    noise += (s - (decoded[i] as number)) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

/** What sox (a real G.711 decoder) makes of encoded bytes. */
function soxDecode(bytes: Buffer, encoding: 'u-law' | 'a-law'): Int16Array {
  const raw = execFileSync(
    'sox',
    [
      '-t',
      'raw',
      '-e',
      encoding,
      '-b',
      '8',
      '-r',
      '8000',
      '-c',
      '1',
      '-',
      '-t',
      'raw',
      '-e',
      'signed',
      '-b',
      '16',
      '-',
    ],
    {
      input: bytes,
    },
  );
  return new Int16Array(raw.buffer, raw.byteOffset, raw.length / 2);
}

describe('G.711 encoders (what the simulated SIP phone sends)', () => {
  const wav = speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please.");
  const pcm = parseWav(readFileSync(wav)).samples;

  for (const [name, encode, encoding] of [
    ['µ-law', ulawFromPcm, 'u-law'],
    ['A-law', alawFromPcm, 'a-law'],
  ] as const) {
    it(`${name}: sox decodes it to the speech, as near as sox's own encoding gets`, () => {
      const ours = snrDb(pcm, soxDecode(encode(pcm), encoding));
      const soxOwn = snrDb(
        pcm,
        soxDecode(execFileSync('sox', ['-D', wav, '-t', 'raw', '-e', encoding, '-b', '8', '-']), encoding),
      );
      // G.711 gives about 38 dB on speech; encoders differ only in rounding (sox rounds, the
      // reference truncates), so within a dB or two of each other.
      assert.ok(ours > 30, `${ours.toFixed(1)} dB`);
      assert.ok(Math.abs(ours - soxOwn) < 2, `ours ${ours.toFixed(1)} dB, sox ${soxOwn.toFixed(1)} dB`);
    });
  }
});

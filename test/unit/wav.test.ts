import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeWav, parseWav, pcmFromBytes, WavError } from '../../src/audio/wav.js';

const samples = Int16Array.from({ length: 800 }, (_, i) => Math.round(Math.sin(i / 5) * 10_000));

describe('WAV files', () => {
  it('round-trips mono 16-bit PCM', () => {
    const back = parseWav(encodeWav({ sampleRate: 8000, samples }));
    assert.equal(back.sampleRate, 8000);
    assert.deepEqual(back.samples, samples);
  });

  it('skips unknown chunks and reads streams of unknown length', () => {
    const wav = encodeWav({ sampleRate: 16000, samples });
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc\0')]);
    const withList = Buffer.concat([wav.subarray(0, 36), list, wav.subarray(36)]);
    assert.deepEqual(parseWav(withList).samples, samples);
    const streamed = Buffer.from(wav);
    streamed.writeUInt32LE(0xffffffff, 40);
    assert.deepEqual(parseWav(streamed).samples, samples);
  });

  it('rejects what it cannot play, saying why', () => {
    const wav = encodeWav({ sampleRate: 8000, samples });
    const stereo = Buffer.from(wav);
    stereo.writeUInt16LE(2, 22);
    const eightBit = Buffer.from(wav);
    eightBit.writeUInt16LE(8, 34);
    const float = Buffer.from(wav);
    float.writeUInt16LE(3, 20);
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.from('hello world, not audio'), /no RIFF/],
      [Buffer.alloc(0), /no RIFF/],
      [stereo, /2 channels/],
      [eightBit, /8-bit/],
      [float, /not PCM/],
      [wav.subarray(0, 30), /truncated fmt|no fmt/],
      [wav.subarray(0, 36), /no data/],
    ];
    for (const [buf, why] of cases) {
      assert.throws(
        () => parseWav(buf),
        (e: unknown) => e instanceof WavError && why.test(e.message),
      );
    }
  });

  it('reads media frames as little-endian samples, dropping an odd byte', () => {
    assert.deepEqual(pcmFromBytes(Buffer.from([0x01, 0x00, 0xff, 0xff, 0x7f])), Int16Array.from([1, -1]));
  });
});

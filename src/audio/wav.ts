import { DoormanError } from '../errors.js';

/** Mono 16-bit PCM audio, little-endian, as Asterisk's slin formats carry it. */
export interface Pcm16 {
  sampleRate: number;
  samples: Int16Array;
}

export class WavError extends DoormanError {
  constructor(problem: string, context: Record<string, unknown> = {}) {
    super('WAV_INVALID', `not a usable WAV file: ${problem}`, context);
  }
}

/** Reads a RIFF/WAVE file holding mono 16-bit PCM; anything else is a WavError saying why. */
export function parseWav(buf: Buffer): Pcm16 {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new WavError('no RIFF/WAVE header');
  }
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  let off = 12;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) throw new WavError('truncated fmt chunk');
      fmt = {
        format: buf.readUInt16LE(body),
        channels: buf.readUInt16LE(body + 2),
        rate: buf.readUInt32LE(body + 4),
        bits: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt) throw new WavError('data chunk before fmt chunk');
      // 0xFFFE is WAVE_FORMAT_EXTENSIBLE, which sox writes for plain PCM too.
      if (fmt.format !== 1 && fmt.format !== 0xfffe)
        throw new WavError(`format tag ${fmt.format} is not PCM`, fmt);
      if (fmt.channels !== 1) throw new WavError(`${fmt.channels} channels; mono needed`, fmt);
      if (fmt.bits !== 16) throw new WavError(`${fmt.bits}-bit samples; 16-bit needed`, fmt);
      if (fmt.rate < 4000 || fmt.rate > 48000) throw new WavError(`sample rate ${fmt.rate} Hz`, fmt);
      // Streams written before their length was known carry 0 or 0xFFFFFFFF: take what is there.
      const end = Math.min(buf.length, size === 0 || size === 0xffffffff ? buf.length : body + size);
      const bytes = (end - body) & ~1;
      const samples = new Int16Array(bytes / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(body + i * 2);
      return { sampleRate: fmt.rate, samples };
    }
    off = body + size + (size & 1);
  }
  throw new WavError(fmt ? 'no data chunk' : 'no fmt chunk');
}

/** A canonical 44-byte-header WAV of mono 16-bit PCM. */
export function encodeWav(pcm: Pcm16): Buffer {
  const dataBytes = pcm.samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(pcm.sampleRate, 24);
  out.writeUInt32LE(pcm.sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < pcm.samples.length; i++) out.writeInt16LE(pcm.samples[i] as number, 44 + i * 2);
  return out;
}

/** Little-endian 16-bit PCM bytes (a media frame) as samples; an odd trailing byte is dropped. */
export function pcmFromBytes(bytes: Buffer): Int16Array {
  const out = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readInt16LE(i * 2);
  return out;
}

/** 16-bit little-endian bytes of samples (the wire format of slin and of WAV data). */
export function bytesFromPcm(pcm: Int16Array): Buffer {
  const out = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i] as number, i * 2);
  return out;
}

/**
 * G.711 encoders (the ITU reference segments, as in Sun's g711.c and sox): 16-bit PCM to one
 * byte a sample, for the RTP a simulated SIP phone sends.
 */
const ULAW_SEG_END = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const ALAW_SEG_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

const segment = (v: number, ends: number[]) => {
  const i = ends.findIndex((end) => v <= end);
  return i < 0 ? ends.length : i;
};

export function ulawFromPcm(pcm: Int16Array): Buffer {
  const out = Buffer.alloc(pcm.length);
  for (let i = 0; i < pcm.length; i++) {
    let v = (pcm[i] as number) >> 2;
    const mask = v < 0 ? 0x7f : 0xff;
    if (v < 0) v = -v;
    v = Math.min(v, 8159) + 0x21;
    const seg = segment(v, ULAW_SEG_END);
    out[i] = (seg >= 8 ? 0x7f : (seg << 4) | ((v >> (seg + 1)) & 0xf)) ^ mask;
  }
  return out;
}

export function alawFromPcm(pcm: Int16Array): Buffer {
  const out = Buffer.alloc(pcm.length);
  for (let i = 0; i < pcm.length; i++) {
    let v = (pcm[i] as number) >> 3;
    const mask = v >= 0 ? 0xd5 : 0x55;
    if (v < 0) v = -v - 1;
    const seg = segment(v, ALAW_SEG_END);
    const a = seg >= 8 ? 0x7f : (seg << 4) | ((seg < 2 ? v >> 1 : v >> seg) & 0xf);
    out[i] = a ^ mask;
  }
  return out;
}

/**
 * Halves the sample rate (16 kHz -> 8 kHz) with a short low-pass FIR, keeping filter state
 * across calls so frames can be fed one at a time. Telephone speech has nothing above 4 kHz
 * worth keeping, so this loses nothing a recogniser needs.
 */
// 15-tap half-band low-pass (cut-off 0.25 of the sample rate), symmetric, sums to 1.
const HALF_BAND = [-0.0045, 0, 0.0236, 0, -0.0728, 0, 0.3037, 0.5, 0.3037, 0, -0.0728, 0, 0.0236, 0, -0.0045];

export class Decimator2 {
  private static readonly TAPS = HALF_BAND;
  private history = new Float64Array(Decimator2.TAPS.length);
  private phase = 0;

  process(input: Int16Array): Int16Array {
    const taps = Decimator2.TAPS;
    const out: number[] = [];
    for (let i = 0; i < input.length; i++) {
      this.history.copyWithin(1, 0);
      this.history[0] = input[i] as number;
      if (this.phase === 0) {
        let acc = 0;
        for (let k = 0; k < taps.length; k++) acc += (taps[k] as number) * (this.history[k] as number);
        out.push(Math.max(-32768, Math.min(32767, Math.round(acc))));
      }
      this.phase ^= 1;
    }
    return Int16Array.from(out);
  }
}

/**
 * Doubles the sample rate (8 kHz -> 16 kHz) of a whole sound: zeros between the samples, then
 * the same half-band low-pass (gain 2) removes the mirror image above 4 kHz. For playing 8 kHz
 * prompts over a slin16 media socket.
 */
export function interpolate2(input: Int16Array): Int16Array {
  const taps = HALF_BAND;
  const half = (taps.length - 1) / 2;
  const out = new Int16Array(input.length * 2);
  for (let i = 0; i < out.length; i++) {
    let acc = 0;
    for (let k = 0; k < taps.length; k++) {
      const j = i - k + half;
      if (j >= 0 && j % 2 === 0 && j / 2 < input.length)
        acc += (taps[k] as number) * (input[j / 2] as number);
    }
    out[i] = Math.max(-32768, Math.min(32767, Math.round(2 * acc)));
  }
  return out;
}

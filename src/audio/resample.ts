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

/**
 * A windowed-sinc low-pass for changing the rate by a whole factor: cut-off a little below the
 * lower rate's Nyquist frequency (3.6 kHz for 8 kHz), 24 taps per phase (Hann window), so
 * speech up to about 3.2 kHz passes flat and mirror images above 4.4 kHz are gone.
 */
function lowPassFor(factor: number): Float32Array {
  const length = 24 * factor + 1;
  const cutoff = 0.45 / factor; // of the higher rate
  const mid = (length - 1) / 2;
  const taps = new Float32Array(length);
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const x = i - mid;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (length - 1));
    taps[i] = sinc * hann;
    sum += taps[i] as number;
  }
  for (let i = 0; i < length; i++) (taps[i] as number) /= sum;
  return taps;
}

/**
 * The last `length` samples in order, oldest first, without moving them for every new one:
 * each sample is written twice, `length` apart, so the window is always one contiguous run.
 */
class History {
  private readonly data: Float32Array;
  private at = 0;

  constructor(readonly length: number) {
    this.data = new Float32Array(2 * length);
  }

  push(x: number): void {
    this.data[this.at] = x;
    this.data[this.at + this.length] = x;
    this.at = (this.at + 1) % this.length;
  }

  /** Offset in `data` of the oldest of the window; `data[start + length - 1]` is the newest. */
  window(): { data: Float32Array; start: number } {
    return { data: this.data, start: this.at };
  }
}

/**
 * Raises the sample rate by a whole factor, frame by frame (filter state kept between calls):
 * each input sample becomes `factor` outputs, delayed by half the filter.
 */
export class Upsampler {
  private readonly taps: Float32Array;
  private readonly recent: History;

  constructor(private readonly factor: number) {
    this.taps = lowPassFor(factor);
    this.recent = new History(Math.ceil(this.taps.length / factor));
  }

  process(input: Float32Array): Float32Array {
    const factor = this.factor;
    const taps = this.taps;
    const recent = this.recent;
    const out = new Float32Array(input.length * factor);
    for (let i = 0; i < input.length; i++) {
      recent.push(input[i] as number);
      const { data, start } = recent.window();
      const newest = start + recent.length - 1;
      // Output phase p sees the inputs at taps p, p + factor, ... (the zeros between add nothing).
      for (let p = 0; p < factor; p++) {
        let acc = 0;
        for (let k = p, j = newest; k < taps.length && j >= start; k += factor, j--)
          acc += (taps[k] as number) * (data[j] as number);
        out[i * factor + p] = acc * factor;
      }
    }
    return out;
  }
}

/** Lowers the sample rate by a whole factor, frame by frame; inputs need not be whole multiples. */
export class Downsampler {
  private readonly taps: Float32Array;
  private readonly recent: History;
  private phase = 0;

  constructor(private readonly factor: number) {
    this.taps = lowPassFor(factor);
    this.recent = new History(this.taps.length);
  }

  process(input: Float32Array): Float32Array {
    const factor = this.factor;
    const taps = this.taps;
    const recent = this.recent;
    const out = new Float32Array(Math.floor((this.phase + input.length) / factor));
    let n = 0;
    for (let i = 0; i < input.length; i++) {
      recent.push(input[i] as number);
      if (++this.phase < factor) continue;
      this.phase = 0;
      const { data, start } = recent.window();
      let acc = 0;
      // The filter is symmetric: tap k against the k-th oldest is the same sum.
      for (let k = 0; k < taps.length; k++) acc += (taps[k] as number) * (data[start + k] as number);
      out[n++] = acc;
    }
    return out;
  }
}

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

  /** How many output samples the sound comes out later than it went in (half the filter). */
  get delay(): number {
    return (this.taps.length - 1) / 2;
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

const toInt16 = (x: number) => Math.max(-32768, Math.min(32767, Math.round(x)));

/**
 * Raises a whole sound's rate by a whole factor, the filter's delay taken out: as long as the
 * input times the factor and aligned with it (8 kHz prompts played over a slin16 media socket).
 */
export function upsampleWhole(input: Int16Array, factor: number): Int16Array {
  const up = new Upsampler(factor);
  const tail = Math.ceil(up.delay / factor);
  const padded = new Float32Array(input.length + tail);
  padded.set(input);
  const out = up.process(padded);
  return Int16Array.from(out.subarray(up.delay, up.delay + input.length * factor), toInt16);
}

/** A `Downsampler` for 16-bit frames in and out (16 kHz media to the 8 kHz recogniser). */
export class Int16Downsampler {
  private readonly down: Downsampler;

  constructor(factor: number) {
    this.down = new Downsampler(factor);
  }

  process(input: Int16Array): Int16Array {
    return Int16Array.from(this.down.process(Float32Array.from(input)), toInt16);
  }
}

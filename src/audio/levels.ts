/** Root mean square of 16-bit samples, 0..32768. */
export function rms(samples: Int16Array, start = 0, end = samples.length): number {
  if (end <= start) return 0;
  let sum = 0;
  for (let i = start; i < end; i++) {
    const s = samples[i] as number;
    sum += s * s;
  }
  return Math.sqrt(sum / (end - start));
}

/** Level relative to full scale; digital silence is -Infinity. */
export const dbfs = (level: number): number => 20 * Math.log10(level / 32768);

export const levelFromDbfs = (db: number): number => 32768 * 10 ** (db / 20);

import { dbfs } from './levels.js';

export interface VoiceDetectorOptions {
  /** A frame quieter than this is never speech, however quiet the line. */
  speechThresholdDbfs: number;
  /**
   * ...and on a noisy line a frame must also be this much louder than the line's own noise (the
   * quietest frame of the last two seconds). 0: the fixed threshold alone.
   */
  noiseMarginDb: number;
}

/** Frames (of 20 ms) the noise floor is the quietest of: longer than the pauses between words. */
const WINDOW_FRAMES = 100;

/**
 * Tells a caller's voice from the line: a fixed threshold alone takes a hissing line (a car, a
 * bad mobile signal, a noise floor above the threshold) for a caller who never stops talking:
 * their answer never ends, and they are cut off as a machine. So the threshold also rises with
 * the line's noise floor, tracked as the quietest frame of a sliding window (minimum
 * statistics: a caller pauses between words, and a pause is as quiet as the line). Pure; one
 * per stream of audio, fed every frame in order.
 */
export class VoiceDetector {
  private readonly recent = new Float64Array(WINDOW_FRAMES).fill(Number.POSITIVE_INFINITY);
  private at = 0;

  constructor(private readonly opts: VoiceDetectorOptions) {}

  /** The line's noise floor now, dBFS: -Infinity on digital silence, Infinity before any frame. */
  get floorDbfs(): number {
    let floor = Number.POSITIVE_INFINITY;
    for (const x of this.recent) if (x < floor) floor = x;
    return floor;
  }

  /** Whether a frame of this level (RMS of 16-bit samples) is voice; call once per frame, in order. */
  voiced(level: number): boolean {
    const db = level > 0 ? dbfs(level) : Number.NEGATIVE_INFINITY;
    this.recent[this.at] = db;
    this.at = (this.at + 1) % WINDOW_FRAMES;
    if (db < this.opts.speechThresholdDbfs) return false;
    if (this.opts.noiseMarginDb <= 0) return true;
    return db >= this.floorDbfs + this.opts.noiseMarginDb;
  }
}

// Cepstral mean normalisation, one answer at a time. The acoustic model was trained with each
// utterance normalised by its own mean; Debian's PocketSphinx, decoding as the audio arrives,
// normalises every answer with the mean left by the answers before it, so the same recording's
// fit swung by tens of points with the caller who came before. This estimates each answer's own
// mean as it arrives instead, starting from a typical answer's.

/** The library's cmn_live_set counts the mean it is given as this many frames (CMN_WIN). */
export const LIBRARY_WINDOW_FRAMES = 500;

export class CepstralMean {
  private readonly sum: Float64Array;
  private frames = 0;
  readonly current: Float32Array;

  /**
   * @param prior the mean an answer starts from
   * @param priorFrames how many frames' worth of weight the prior keeps against the answer's own
   */
  constructor(
    private readonly prior: Float32Array,
    private readonly priorFrames: number,
  ) {
    this.sum = new Float64Array(prior.length);
    this.current = Float32Array.from(prior);
  }

  /**
   * Takes in the library's running state after frames were normalised with `current`: its sum
   * (current × window + the new frames) and frame count (window + their number).
   */
  observe(librarySum: Float32Array, libraryFrames: number): void {
    const added = libraryFrames - LIBRARY_WINDOW_FRAMES;
    if (added <= 0) return;
    this.frames += added;
    for (let i = 0; i < this.sum.length; i++) {
      this.sum[i] =
        (this.sum[i] as number) +
        (librarySum[i] as number) -
        (this.current[i] as number) * LIBRARY_WINDOW_FRAMES;
    }
    const weight = this.priorFrames + this.frames;
    for (let i = 0; i < this.current.length; i++) {
      this.current[i] = ((this.prior[i] as number) * this.priorFrames + (this.sum[i] as number)) / weight;
    }
  }
}

import { rms } from './levels.js';
import { VoiceDetector, type VoiceDetectorOptions } from './voice-detector.js';

export interface SpeechGateOptions extends VoiceDetectorOptions {
  sampleRate: number;
  /** Audio kept from before the first voiced frame and sent with it (word onsets, noise floor). */
  feedBeforeSpeechMs: number;
  /** Silence after speech still sent on; the rest is held back until speech resumes. */
  feedAfterSpeechMs: number;
}

const FRAME_MS = 20;

/**
 * Decides which audio the recogniser gets: silence before the caller speaks and the pause that
 * ends the answer are held back, so a recognition thread spends its time on speech (and a paid
 * engine is not billed for silence). Held audio is sent on, in order, if speech follows it, so the
 * recogniser still sees every sound of the answer. Pure and clock-free, like the endpointer.
 */
export class SpeechGate {
  private readonly voice: VoiceDetector;
  private readonly frameSamples: number;
  private readonly beforeFrames: number;
  private readonly afterFrames: number;
  private pending: Int16Array = new Int16Array(0);
  /** Silent frames not yet sent: before speech only the last `beforeFrames` are kept. */
  private held: Int16Array[] = [];
  private heardSpeech = false;
  private silentRun = 0;

  constructor(opts: SpeechGateOptions) {
    this.voice = new VoiceDetector(opts);
    this.frameSamples = (opts.sampleRate * FRAME_MS) / 1000;
    this.beforeFrames = Math.ceil(opts.feedBeforeSpeechMs / FRAME_MS);
    this.afterFrames = Math.ceil(opts.feedAfterSpeechMs / FRAME_MS);
  }

  /** Takes audio; returns what the recogniser should get now (possibly nothing). */
  push(samples: Int16Array): Int16Array[] {
    let buf = samples;
    if (this.pending.length) {
      buf = new Int16Array(this.pending.length + samples.length);
      buf.set(this.pending);
      buf.set(samples, this.pending.length);
    }
    const out: Int16Array[] = [];
    let off = 0;
    for (; off + this.frameSamples <= buf.length; off += this.frameSamples) {
      const frame = buf.slice(off, off + this.frameSamples);
      if (this.voice.voiced(rms(frame))) {
        this.heardSpeech = true;
        this.silentRun = 0;
        out.push(...this.held, frame);
        this.held = [];
        continue;
      }
      this.silentRun++;
      if (this.heardSpeech && this.silentRun <= this.afterFrames) {
        out.push(frame);
        continue;
      }
      this.held.push(frame);
      if (!this.heardSpeech && this.held.length > this.beforeFrames) this.held.shift();
    }
    this.pending = buf.slice(off);
    return out;
  }

  /** True once any speech got through: a recogniser that heard none has nothing to say. */
  get passedSpeech(): boolean {
    return this.heardSpeech;
  }
}

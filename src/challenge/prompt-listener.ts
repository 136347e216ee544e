import { rms } from '../audio/levels.js';
import { VoiceDetector, type VoiceDetectorOptions } from '../audio/voice-detector.js';
import { pcmFromBytes } from '../audio/wav.js';

export interface PromptListenerOptions extends VoiceDetectorOptions {
  sampleRate: number;
  /** Voiced time over the question that counts as the caller answering (barge-in). */
  bargeInMs: number;
  /** Audio kept from before the caller started, handed on with their answer. */
  keepBeforeMs: number;
}

/**
 * Hears the caller while the question is still playing: a caller who knows the drill answers
 * over it, so the question stops (`speaking` resolves) and what they said is not lost. Without
 * speech it keeps only the last moments (the line's noise floor) for the answer listener.
 */
export class PromptListener {
  readonly speaking: Promise<void>;
  private resolveSpeaking: () => void = () => {};
  private readonly voice: VoiceDetector;
  private readonly bytesPerMs: number;
  private frames: Buffer[] = [];
  private voicedMs = 0;
  private voicedFrames = 0;
  private heardSpeech = false;

  constructor(private readonly opts: PromptListenerOptions) {
    this.voice = new VoiceDetector(opts);
    this.bytesPerMs = (opts.sampleRate * 2) / 1000;
    this.speaking = new Promise((resolve) => {
      this.resolveSpeaking = resolve;
    });
  }

  push(frame: Buffer): void {
    this.frames.push(frame);
    if (this.heardSpeech) return;
    if (this.voice.voiced(rms(pcmFromBytes(frame)))) {
      this.voicedMs += frame.length / this.bytesPerMs;
      this.voicedFrames++;
    } else {
      this.voicedMs = 0;
      this.voicedFrames = 0;
    }
    if (this.voicedMs >= this.opts.bargeInMs) {
      this.heardSpeech = true;
      this.resolveSpeaking();
      return;
    }
    // Nothing said yet: only the voiced run and the moments before it are worth keeping.
    let keptMs = 0;
    let keep = this.voicedFrames;
    while (keep < this.frames.length && keptMs < this.opts.keepBeforeMs) {
      keptMs += (this.frames[this.frames.length - 1 - keep] as Buffer).length / this.bytesPerMs;
      keep++;
    }
    if (keep < this.frames.length) this.frames = this.frames.slice(-keep);
  }

  /** True once the caller spoke over the question. */
  get answered(): boolean {
    return this.heardSpeech;
  }

  /** The audio to start the answer with, oldest first. */
  heard(): Buffer[] {
    return this.frames;
  }
}

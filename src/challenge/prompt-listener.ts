import { rms } from '../audio/levels.js';
import { VoiceDetector, type VoiceDetectorOptions } from '../audio/voice-detector.js';
import { pcmFromBytes } from '../audio/wav.js';

export interface PromptListenerOptions extends VoiceDetectorOptions {
  sampleRate: number;
  /** Voiced time over the question that counts as the caller answering (barge-in). */
  bargeInMs: number;
  /** Audio kept from before the caller started, handed on with their answer. */
  keepBeforeMs: number;
  /**
   * A pause this short does not break the voiced run (between words, or a line's noise
   * drowning the quieter sounds); 0: every unvoiced frame starts the count again.
   */
  gapMs?: number;
}

/**
 * Talking on over the hold (`listen.talkOverMs`) is voiced time across pauses up to this long:
 * in 10-15 dB of line noise the quieter sounds of a word drop below the speech threshold, and a
 * run without a single unvoiced 20 ms frame rarely reaches 300 ms.
 */
export const TALK_GAP_MS = 200;

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
  /** Frames of the run so far, its short gaps included. */
  private voicedFrames = 0;
  private gapMs = 0;
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
    const ms = frame.length / this.bytesPerMs;
    if (this.voice.voiced(rms(pcmFromBytes(frame)))) {
      this.voicedMs += ms;
      this.voicedFrames++;
      this.gapMs = 0;
    } else if (this.voicedMs > 0 && this.gapMs + ms <= (this.opts.gapMs ?? 0)) {
      this.gapMs += ms;
      this.voicedFrames++;
    } else {
      this.voicedMs = 0;
      this.voicedFrames = 0;
      this.gapMs = 0;
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

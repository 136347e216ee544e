import { rms } from './levels.js';
import { VoiceDetector, type VoiceDetectorOptions } from './voice-detector.js';

export interface EndpointerOptions extends VoiceDetectorOptions {
  sampleRate: number;
  speechStartMs: number;
  endSilenceMs: number;
  noSpeechTimeoutMs: number;
  maxSpeechMs: number;
}

/** How listening ended: `speech` (the caller spoke, then paused), `silence`, or `max` (cut off). */
export type EndpointReason = 'speech' | 'silence' | 'max';

export interface Endpoint {
  reason: EndpointReason;
  /** From the start of voiced audio to its end, in ms of audio (not wall time). */
  speechStartMs: number | null;
  speechEndMs: number | null;
  /** Voiced frames from the start of speech, ms: the span less its pauses. */
  voicedMs: number;
}

const FRAME_MS = 20;

/**
 * Energy-based end-of-answer detection over 20 ms frames, pure and clock-free: time is the
 * amount of audio pushed, so it behaves the same live and on files.
 */
export class Endpointer {
  private readonly voice: VoiceDetector;
  private readonly frameSamples: number;
  private pending: Int16Array = new Int16Array(0);
  private audioMs = 0;
  private voicedRunMs = 0;
  private voicedMs = 0;
  private speechStart: number | null = null;
  private lastVoiced: number | null = null;
  private result: Endpoint | null = null;

  constructor(private readonly opts: EndpointerOptions) {
    this.voice = new VoiceDetector(opts);
    this.frameSamples = (opts.sampleRate * FRAME_MS) / 1000;
  }

  get done(): Endpoint | null {
    return this.result;
  }

  get elapsedMs(): number {
    return this.audioMs;
  }

  /**
   * The line's noise where listening stopped (the quietest frame of the two seconds before),
   * dBFS to a tenth; null on a digitally silent line or before any audio.
   */
  get noiseFloorDbfs(): number | null {
    const floor = this.voice.floorDbfs;
    return Number.isFinite(floor) ? Math.round(floor * 10) / 10 : null;
  }

  /** Feeds audio; returns the endpoint once reached (and keeps returning it). */
  push(samples: Int16Array): Endpoint | null {
    if (this.result) return this.result;
    let buf = samples;
    if (this.pending.length) {
      buf = new Int16Array(this.pending.length + samples.length);
      buf.set(this.pending);
      buf.set(samples, this.pending.length);
    }
    let off = 0;
    for (; off + this.frameSamples <= buf.length && !this.result; off += this.frameSamples) {
      this.frame(this.voice.voiced(rms(buf, off, off + this.frameSamples)));
    }
    this.pending = buf.slice(off);
    return this.result;
  }

  /** The audio ended (caller hung up, file over): decide with what was heard. */
  finish(): Endpoint {
    this.result ??= this.endpoint(this.speechStart === null ? 'silence' : 'speech');
    return this.result;
  }

  private frame(voiced: boolean): void {
    const t = this.audioMs;
    this.audioMs += FRAME_MS;
    if (voiced) {
      this.voicedRunMs += FRAME_MS;
      this.lastVoiced = this.audioMs;
      if (this.speechStart !== null) this.voicedMs += FRAME_MS;
      else if (this.voicedRunMs >= this.opts.speechStartMs) {
        this.speechStart = this.audioMs - this.voicedRunMs;
        this.voicedMs = this.voicedRunMs;
      }
    } else {
      this.voicedRunMs = 0;
    }
    if (this.speechStart === null) {
      if (t + FRAME_MS >= this.opts.noSpeechTimeoutMs) this.result = this.endpoint('silence');
      return;
    }
    if (this.audioMs - this.speechStart >= this.opts.maxSpeechMs) this.result = this.endpoint('max');
    else if (this.lastVoiced !== null && this.audioMs - this.lastVoiced >= this.opts.endSilenceMs) {
      this.result = this.endpoint('speech');
    }
  }

  private endpoint(reason: EndpointReason): Endpoint {
    return {
      reason,
      speechStartMs: this.speechStart,
      speechEndMs: this.speechStart === null ? null : this.lastVoiced,
      voicedMs: this.voicedMs,
    };
  }
}

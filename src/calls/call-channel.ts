import type { EventStream } from '../util/event-stream.js';

/**
 * What a call's interactive steps (the PIN dialogue, the speech challenge) may do with the
 * caller's channel, and no more. On a live call it is ARI (ari-call-channel.ts); the dialogue
 * tests run the same steps on one in memory.
 */
export interface CallChannel {
  readonly id: string;
  /** Aborted when the caller hangs up or Doorman stops: every step gives up at once. */
  readonly signal: AbortSignal;
  /** Answers the call, once (later calls do nothing). */
  answer(): Promise<void>;
  /**
   * Plays a sound Asterisk has (`doorman/enter-pin`) to the end, or until `stopWhen` resolves.
   * Resolves false when Asterisk could not play it (not installed).
   */
  playSound(sound: string, stopWhen?: Promise<unknown>): Promise<boolean>;
  /**
   * Every key the caller presses from now on, until the stream is closed; reading it throws
   * the abort reason once the call ends.
   */
  keys(): EventStream<string>;
  /** The media leg: Doorman hears the caller and speaks over it, so the caller can barge in. */
  openMedia(): Promise<MediaLeg>;
  /** Idempotent: safe on every path, including after the caller or Asterisk went away. */
  closeMedia(): Promise<void>;
}

export interface MediaLeg {
  /** False once the leg closed (its socket dropped, or closeMedia). */
  readonly open: boolean;
  /** Frames that came before the media start line (a chan_websocket detail, for the report). */
  readonly framesBeforeStart: number;
  /**
   * The caller's audio from now on, 20 ms frames of 16 kHz 16-bit PCM, until the stream is
   * closed; reading it throws MEDIA_CLOSED once the leg closes (at once if it already has), the
   * abort reason once the call ends.
   */
  audio(): EventStream<Buffer>;
  /**
   * Plays 16 kHz audio to the caller until it ends or `stopWhen` resolves (then what is queued
   * is flushed). Throws MEDIA_CLOSED if the leg closes meanwhile, the abort reason if aborted.
   */
  play(audio: Int16Array, stopWhen?: Promise<void>): Promise<void>;
}

import type { CallChannel, MediaLeg } from '../../src/calls/call-channel.js';
import { CallGoneError, DoormanError } from '../../src/errors.js';
import { EventStream } from '../../src/util/event-stream.js';

/** What the simulated caller does once a prompt has played: speak, press keys, hang up, or nothing. */
export interface Turn {
  /** 16 kHz speech, sent as 20 ms frames at the pace it was spoken, then a second of silence. */
  say?: Int16Array;
  /** Keys pressed 50 ms after the prompt started (a caller who knows the answer). */
  keys?: string;
  hangUp?: boolean;
  /** The media leg drops (a socket cut) this long into the turn. */
  dropMediaAfterMs?: number;
}

/**
 * A caller's channel in memory, for the dialogue tests: every prompt (a sound or audio over the
 * media leg) takes the next turn of the script; a prompt lasts a tenth of its length (at most
 * 300 ms), or until the caller speaks or presses a key over it.
 */
export class MemoryChannel implements CallChannel {
  readonly id = 'memory-call';
  readonly prompts: string[] = [];
  answered = 0;
  mediaOpened = 0;
  mediaClosed = 0;
  private readonly abort = new AbortController();
  private readonly keyListeners = new Set<(d: string) => void>();
  private leg: MemoryLeg | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly script: Turn[]) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  async answer(): Promise<void> {
    this.answered++;
  }

  async playSound(sound: string, stopWhen?: Promise<unknown>): Promise<boolean> {
    this.prompts.push(`sound:${sound}`);
    await this.prompt(1_000, stopWhen);
    return true;
  }

  keys(): EventStream<string> {
    return new EventStream<string>((push) => {
      this.keyListeners.add(push);
      return () => this.keyListeners.delete(push);
    }, this.signal);
  }

  async openMedia(): Promise<MediaLeg> {
    this.mediaOpened++;
    this.leg = new MemoryLeg(this.signal, (audioMs, stopWhen) => {
      this.prompts.push(`audio:${Math.round(audioMs)}ms`);
      return this.prompt(audioMs, stopWhen);
    });
    return this.leg;
  }

  async closeMedia(): Promise<void> {
    if (this.leg) this.mediaClosed++;
    this.leg?.close('closed');
  }

  /** Every turn the script had left when the dialogue ended. */
  get turnsLeft(): number {
    return this.script.length;
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private async prompt(audioMs: number, stopWhen?: Promise<unknown>): Promise<void> {
    const turn = this.script.shift() ?? {};
    const playMs = Math.min(300, audioMs / 10);
    if (turn.hangUp) {
      this.later(playMs / 2, () => {
        this.leg?.close('caller hung up');
        this.abort.abort(new CallGoneError(this.id));
      });
    }
    if (turn.keys) {
      this.later(50, () => {
        for (const d of turn.keys ?? '') for (const l of [...this.keyListeners]) l(d);
      });
    }
    if (turn.dropMediaAfterMs !== undefined)
      this.later(playMs + turn.dropMediaAfterMs, () => this.leg?.close('cut'));
    const played = new Promise<void>((r) => this.later(playMs, r));
    await Promise.race([played, stopWhen ?? played]);
    if (turn.say) {
      const speech = turn.say;
      // After the prompt, as a caller who waited for it.
      this.later(20, () => this.leg?.speak(speech));
    }
    if (this.signal.aborted) throw this.signal.reason;
  }
}

class MemoryLeg implements MediaLeg {
  open = true;
  readonly framesBeforeStart = 0;
  private readonly listeners = new Set<(f: Buffer) => void>();
  private readonly closers = new Set<(why: string) => void>();
  private speaking: NodeJS.Timeout | undefined;

  constructor(
    private readonly signal: AbortSignal,
    private readonly onPlay: (audioMs: number, stopWhen?: Promise<void>) => Promise<void>,
  ) {}

  audio(): EventStream<Buffer> {
    return new EventStream<Buffer>((push, end) => {
      const closed = (why: string) => end(new DoormanError('MEDIA_CLOSED', `media leg closed (${why})`));
      if (!this.open) {
        closed('before listening');
        return () => {};
      }
      this.listeners.add(push);
      this.closers.add(closed);
      return () => {
        this.listeners.delete(push);
        this.closers.delete(closed);
      };
    }, this.signal);
  }

  async play(audio: Int16Array, stopWhen?: Promise<void>): Promise<void> {
    if (!this.open) throw new DoormanError('MEDIA_CLOSED', 'media leg closed');
    await this.onPlay(audio.length / 16, stopWhen);
    if (!this.open) throw new DoormanError('MEDIA_CLOSED', 'media leg closed while asking');
  }

  /** Sends `pcm` as 20 ms frames at the pace it was spoken, then a second of silence. */
  speak(pcm: Int16Array): void {
    const frames: Buffer[] = [];
    for (let i = 0; i < pcm.length; i += 320) {
      const frame = Buffer.alloc(640);
      Buffer.from(pcm.buffer, pcm.byteOffset + i * 2, Math.min(640, (pcm.length - i) * 2)).copy(frame);
      frames.push(frame);
    }
    for (let i = 0; i < 50; i++) frames.push(Buffer.alloc(640));
    const t0 = performance.now();
    let k = 0;
    const tick = () => {
      while (k < frames.length && performance.now() - t0 >= k * 20) {
        const f = frames[k++] as Buffer;
        for (const l of [...this.listeners]) l(f);
      }
      if (k < frames.length && this.open) this.speaking = setTimeout(tick, 5);
    };
    tick();
  }

  close(why: string): void {
    if (!this.open) return;
    this.open = false;
    clearTimeout(this.speaking);
    for (const c of [...this.closers]) c(why);
  }
}

import type { Logger } from 'pino';
import { DoormanError } from '../errors.js';
import { type AriConnection, isGone } from '../telephony/ari.js';
import { MediaSocket } from '../telephony/media-socket.js';
import { EventStream } from '../util/event-stream.js';
import type { CallChannel, MediaLeg } from './call-channel.js';
import type { EventWaiters } from './event-waiters.js';
import { helperId } from './helper-ids.js';
import { playToEnd } from './playback.js';

/** Helper channels Doorman creates carry this prefix, so they are never mistaken for calls. */
export const MEDIA_CHANNEL_PREFIX = 'doorman-media-';
export const BRIDGE_NAME_PREFIX = 'doorman-';

export interface AriCallChannelOptions {
  ari: AriConnection;
  /** The call's ARI events (the session dispatches every event about its channels here). */
  events: EventWaiters;
  channelId: string;
  signal: AbortSignal;
  promptTimeoutMs: number;
  mediaTimeoutMs: number;
  log: Logger;
  /** Lets the app route events for the media channel to this call. */
  claimChannel?: (channelId: string) => void;
  /** Each time a prompt starts to play (the report's time to the first prompt). */
  onPrompt?: () => void;
}

/** A caller's channel on ARI: plays, key presses, and a media leg (bridge + external media + its WebSocket). */
export class AriCallChannel implements CallChannel {
  private answered = false;
  private leg: AriMediaLeg | undefined;

  constructor(private readonly o: AriCallChannelOptions) {}

  get id(): string {
    return this.o.channelId;
  }

  get signal(): AbortSignal {
    return this.o.signal;
  }

  async answer(): Promise<void> {
    if (this.answered) return;
    await this.o.ari.answer(this.o.channelId);
    this.answered = true;
  }

  async playSound(sound: string, stopWhen?: Promise<unknown>): Promise<boolean> {
    const p = await playToEnd(
      this.o.ari,
      this.o.events,
      this.o.channelId,
      sound,
      this.o.promptTimeoutMs,
      this.o.signal,
      {
        onStarted: () => this.o.onPrompt?.(),
        ...(stopWhen ? { stopWhen } : {}),
      },
    );
    if (p?.state === 'failed') {
      this.o.log.warn({ sound }, 'prompt could not be played (is it installed in Asterisk?)');
      return false;
    }
    return true;
  }

  keys(): EventStream<string> {
    return new EventStream<string>(
      (push) =>
        this.o.events.listen((e) => {
          if (e.type === 'ChannelDtmfReceived' && e.channel?.id === this.o.channelId && e.digit)
            push(e.digit);
        }),
      this.o.signal,
    );
  }

  /** In the order Asterisk needs: the media channel enters Stasis only once its WebSocket is connected. */
  async openMedia(): Promise<MediaLeg> {
    if (this.leg?.open) return this.leg;
    const { ari, events, signal } = this.o;
    const leg = new AriMediaLeg(
      helperId(MEDIA_CHANNEL_PREFIX, ari.app),
      helperId(BRIDGE_NAME_PREFIX, ari.app),
      signal,
      this.o.promptTimeoutMs,
      this.o.onPrompt,
    );
    this.leg = leg;
    this.o.claimChannel?.(leg.channelId);
    leg.stopWatching = events.listen((e) => {
      if (e.channel?.id === leg.channelId && (e.type === 'StasisEnd' || e.type === 'ChannelDestroyed')) {
        leg.channelUp = false;
      }
    });
    const timeout = this.o.mediaTimeoutMs;
    const inStasis = events.wait(
      (e) => e.type === 'StasisStart' && e.channel?.id === leg.channelId,
      timeout,
      'media channel StasisStart',
      signal,
    );
    const bridge = ari.createBridge(leg.bridgeId, `${BRIDGE_NAME_PREFIX}${this.o.channelId}`).then(() => {
      leg.bridgeUp = true;
    });
    bridge.catch(() => {}); // awaited below; must not count as unhandled if externalMedia fails first
    inStasis.catch(() => {});
    const channel = await ari.externalMedia({ channelId: leg.channelId, format: 'slin16' });
    leg.channelUp = true;
    const connectionId = channel.channelvars?.MEDIA_WEBSOCKET_CONNECTION_ID;
    if (!connectionId)
      throw new DoormanError('MEDIA_NO_CONNECTION_ID', 'externalMedia gave no connection id');
    leg.socket = await MediaSocket.connect(ari.mediaUrl(connectionId), timeout);
    await Promise.all([inStasis, bridge]);
    await ari.addToBridge(leg.bridgeId, [this.o.channelId, leg.channelId]);
    return leg;
  }

  async closeMedia(): Promise<void> {
    const leg = this.leg;
    if (!leg) return;
    leg.socket?.close();
    leg.stopWatching();
    const ignoreGone = (what: string) => (e: unknown) => {
      if (!isGone(e)) this.o.log.warn({ err: e }, `could not ${what}`);
    };
    const steps: Promise<void>[] = [];
    if (leg.bridgeUp) {
      leg.bridgeUp = false;
      steps.push(this.o.ari.destroyBridge(leg.bridgeId).catch(ignoreGone('destroy the bridge')));
    }
    if (leg.channelUp) {
      leg.channelUp = false;
      steps.push(this.o.ari.hangup(leg.channelId).catch(ignoreGone('hang up the media channel')));
    }
    await Promise.all(steps);
  }
}

class AriMediaLeg implements MediaLeg {
  socket: MediaSocket | undefined;
  channelUp = false;
  bridgeUp = false;
  stopWatching: () => void = () => {};

  constructor(
    readonly channelId: string,
    readonly bridgeId: string,
    private readonly signal: AbortSignal,
    private readonly promptTimeoutMs: number,
    private readonly onPrompt: (() => void) | undefined,
  ) {}

  get open(): boolean {
    return this.socket?.open ?? false;
  }

  get framesBeforeStart(): number {
    return this.socket?.framesBeforeStart ?? 0;
  }

  audio(): EventStream<Buffer> {
    return new EventStream<Buffer>((push, end) => {
      const socket = this.socket;
      if (!socket?.open) {
        end(new DoormanError('MEDIA_CLOSED', 'media WebSocket closed while listening (before listening)'));
        return () => {};
      }
      const closed = (why: string) =>
        end(new DoormanError('MEDIA_CLOSED', `media WebSocket closed while listening (${why})`));
      socket.on('audio', push);
      socket.once('close', closed);
      return () => {
        socket.off('audio', push);
        socket.off('close', closed);
      };
    }, this.signal);
  }

  async play(audio: Int16Array, stopWhen?: Promise<void>): Promise<void> {
    const socket = this.connected();
    const signal = this.signal;
    this.onPrompt?.();
    let stopped = false;
    // Removed after each question: the signal lives as long as the call, which may ask often.
    let onAbort = () => {};
    try {
      await Promise.race([
        socket.play(audio, audio.length / 16 + this.promptTimeoutMs),
        stopWhen?.then(() => {
          stopped = true;
        }) ?? new Promise<never>(() => {}),
        new Promise<void>((resolve) => {
          onAbort = resolve;
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    if (stopped) socket.command('FLUSH_MEDIA');
    if (signal.aborted) throw signal.reason;
    if (!socket.open) throw new DoormanError('MEDIA_CLOSED', 'media WebSocket closed while asking');
  }

  private connected(): MediaSocket {
    if (!this.socket) throw new DoormanError('MEDIA_CLOSED', 'no media WebSocket');
    return this.socket;
  }
}

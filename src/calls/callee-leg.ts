import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { CallGoneError, DoormanError } from '../errors.js';
import { type AriConnection, isGone } from '../telephony/ari.js';
import type { DialplanTarget } from '../telephony/ari-types.js';
import { AriCallChannel, BRIDGE_NAME_PREFIX } from './ari-call-channel.js';
import type { EventWaiters } from './event-waiters.js';
import { helperId } from './helper-ids.js';

/** The person asked for, rung by Doorman itself: such channels are helpers, never calls. */
export const CALLEE_CHANNEL_PREFIX = 'doorman-callee-';
/** The bridge of a caller and the callee who accepted them. */
export const CONNECT_BRIDGE_PREFIX = `${BRIDGE_NAME_PREFIX}connect-`;
/** The Stasis argument a callee's channel enters Doorman with. */
export const CALLEE_ARG = 'callee';

export interface CalleeLegOptions {
  ari: AriConnection;
  /** The caller's session's events: the callee's channel is claimed for it before it is rung. */
  events: EventWaiters;
  calls: Config['calls'];
  /** The caller's signal: a caller who hangs up ends the callee's leg at once. */
  signal: AbortSignal;
  log: Logger;
  claimChannel: (channelId: string) => void;
}

/**
 * The callee's leg of an announced call: rung through the dialplan (a Local channel to the
 * destination's context and extension, so the PBX's own Dial() and follow-me apply), answered
 * into Doorman's Stasis, talked to over its own media leg, then bridged to the caller or hung
 * up. Every path ends in `end()` or `connect()`: nothing is left in Asterisk.
 */
export class CalleeLeg {
  readonly channelId: string;
  private readonly ac = new AbortController();
  private up = false;
  private bridgeId: string | null = null;
  private stopWatching: () => void = () => {};
  /** Set once answered: the callee's channel for prompts, keys and its media leg. */
  channel: AriCallChannel | undefined;

  constructor(private readonly o: CalleeLegOptions) {
    this.channelId = helperId(CALLEE_CHANNEL_PREFIX, o.ari.app);
  }

  /** Aborted when the callee hangs up, or the caller does. */
  get signal(): AbortSignal {
    return this.ac.signal;
  }

  /**
   * Rings the destination for up to `ringSeconds`: `answered`; `no-answer` when it was not
   * answered, was busy, or hung up first; `failed` when Asterisk would not ring it. Throws the
   * caller's abort reason if the caller leaves.
   */
  async ring(
    target: DialplanTarget,
    callerId: string,
    ringSeconds: number,
  ): Promise<'answered' | 'no-answer' | 'failed'> {
    const { ari, events, signal, log } = this.o;
    const id = this.channelId;
    const gone = new CallGoneError(id);
    const onCallerGone = () => this.ac.abort(signal.reason);
    signal.addEventListener('abort', onCallerGone, { once: true });
    const unwatch = events.listen((e) => {
      if (e.channel?.id === id && (e.type === 'StasisEnd' || e.type === 'ChannelDestroyed')) {
        this.up = false;
        this.ac.abort(gone);
      }
    });
    this.stopWatching = () => {
      signal.removeEventListener('abort', onCallerGone);
      unwatch();
    };
    this.o.claimChannel(id);
    const answered = events.wait(
      (e) => e.type === 'StasisStart' && e.channel?.id === id,
      (ringSeconds + 5) * 1_000,
      'the callee to answer',
      this.ac.signal,
    );
    this.up = true;
    try {
      await ari.originateToApp({
        endpoint: `Local/${target.extension}@${target.context}`,
        channelId: id,
        otherChannelId: `${id}-dial`,
        appArgs: CALLEE_ARG,
        callerId,
        formats: 'slin16,ulaw',
        timeoutSeconds: ringSeconds,
        variables: {},
      });
      await answered;
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      if (e === gone) return 'no-answer';
      log.warn({ err: e, target }, 'could not ring the callee');
      await this.end();
      return 'failed';
    }
    const { promptTimeoutMs, mediaTimeoutMs } = this.o.calls;
    this.channel = new AriCallChannel({
      ari,
      events,
      channelId: id,
      signal: this.ac.signal,
      promptTimeoutMs,
      mediaTimeoutMs,
      log: log.child({ leg: 'callee' }),
      claimChannel: this.o.claimChannel,
    });
    return 'answered';
  }

  /**
   * Bridges the callee with the caller and waits until either hangs up, then hangs up the other.
   * Resolves early, leaving the two talking, when `stopWaiting` fires (Doorman stopping): a
   * conversation outlives the process that set it up.
   */
  async connect(callerChannelId: string, stopWaiting: AbortSignal): Promise<'caller' | 'callee' | 'left'> {
    const { ari, events } = this.o;
    await this.channel?.closeMedia();
    const bridgeId = helperId(CONNECT_BRIDGE_PREFIX, ari.app);
    this.bridgeId = bridgeId;
    const ended = new Promise<'caller' | 'callee' | 'left'>((resolve) => {
      const stop = events.listen((e) => {
        if (e.type !== 'StasisEnd' && e.type !== 'ChannelDestroyed') return;
        const who =
          e.channel?.id === callerChannelId ? 'caller' : e.channel?.id === this.channelId ? 'callee' : null;
        if (!who) return;
        stop();
        resolve(who);
      });
      stopWaiting.addEventListener(
        'abort',
        () => {
          stop();
          resolve('left');
        },
        { once: true },
      );
    });
    await ari.createBridge(bridgeId, `${BRIDGE_NAME_PREFIX}${callerChannelId}`);
    await ari.addToBridge(bridgeId, [callerChannelId, this.channelId]);
    const who = await ended;
    if (who === 'left') return who;
    if (who === 'callee') await ari.hangup(callerChannelId).catch((e) => isGone(e) || Promise.reject(e));
    await this.end();
    return who;
  }

  /** Hangs up the callee (if still there) and removes what Doorman made for it. Idempotent. */
  async end(): Promise<void> {
    this.stopWatching();
    const { ari, log } = this.o;
    const ignoreGone = (what: string) => (e: unknown) => {
      if (!isGone(e)) log.warn({ err: e }, `could not ${what}`);
    };
    await this.channel?.closeMedia();
    const steps: Promise<void>[] = [];
    if (this.bridgeId) {
      steps.push(ari.destroyBridge(this.bridgeId).catch(ignoreGone('destroy the call bridge')));
      this.bridgeId = null;
    }
    if (this.up) {
      this.up = false;
      steps.push(ari.hangup(this.channelId).catch(ignoreGone('hang up the callee')));
    }
    await Promise.all(steps);
    if (!this.ac.signal.aborted) this.ac.abort(new DoormanError('CALLEE_ENDED', 'the callee leg ended'));
  }
}

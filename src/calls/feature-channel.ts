import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { CallGoneError, DoormanError } from '../errors.js';
import type { AriConnection } from '../telephony/ari.js';
import { AriCallChannel } from './ari-call-channel.js';
import type { EventWaiters } from './event-waiters.js';
import { playToEnd } from './playback.js';

/** How long a phone's feature code may take, prompts and keys included. */
const FEATURE_TIMEOUT_MS = 120_000;

export interface FeatureCall {
  ari: AriConnection;
  events: EventWaiters;
  channelId: string;
  calls: Config['calls'];
  log: Logger;
}

/**
 * Runs a feature code's dialogue (`fn`) on the phone's channel, whose signal fires when the
 * phone hangs up, or after two minutes: a feature code never holds a channel for good.
 */
export async function withFeatureChannel(
  { ari, events, channelId, calls, log }: FeatureCall,
  fn: (channel: AriCallChannel) => Promise<void>,
): Promise<void> {
  const ac = new AbortController();
  const stop = events.listen((e) => {
    if ((e.type === 'StasisEnd' || e.type === 'ChannelDestroyed') && e.channel?.id === channelId)
      ac.abort(new CallGoneError(channelId));
  });
  const timer = setTimeout(
    () => ac.abort(new DoormanError('FEATURE_TIMEOUT', 'feature code took too long')),
    FEATURE_TIMEOUT_MS,
  );
  try {
    const signal = ac.signal;
    const { promptTimeoutMs, mediaTimeoutMs } = calls;
    await fn(new AriCallChannel({ ari, events, channelId, signal, promptTimeoutMs, mediaTimeoutMs, log }));
  } finally {
    stop();
    clearTimeout(timer);
  }
}

/** Plays a prompt to the phone to its end (Doorman's feature-code prompts are short). */
export type FeaturePrompt = (sound: string) => Promise<unknown>;

/**
 * A feature code's whole call: the phone answered, `fn` run on its channel with a way to play
 * prompts, then hung up on every path. A failure other than the phone hanging up is logged as
 * `what` failing; the phone is hung up either way.
 */
export async function runFeatureCode(
  call: FeatureCall,
  what: string,
  fn: (phone: AriCallChannel, play: FeaturePrompt) => Promise<void>,
): Promise<void> {
  const { ari, events, channelId, log } = call;
  await withFeatureChannel(call, async (phone) => {
    const play = (sound: string) => playToEnd(ari, events, channelId, sound, 15_000, phone.signal);
    await ari.answer(channelId);
    await fn(phone, play);
  }).catch((e) => {
    if (!(e instanceof CallGoneError)) log.warn({ err: e }, `${what} failed`);
  });
  await ari.hangup(channelId).catch(() => {});
}

import { CallGoneError, DoormanError } from '../errors.js';
import type { EventWaiters } from './event-waiters.js';

/** How long a phone's feature code may take, prompts and keys included. */
const FEATURE_TIMEOUT_MS = 120_000;

/**
 * Runs a feature code's dialogue (`fn`) with a signal that fires when the phone hangs up, or
 * after two minutes: a feature code never holds a channel for good.
 */
export async function withFeatureChannel(
  events: EventWaiters,
  channelId: string,
  fn: (signal: AbortSignal) => Promise<void>,
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
    await fn(ac.signal);
  } finally {
    stop();
    clearTimeout(timer);
  }
}

import { randomUUID } from 'node:crypto';
import type { AriConnection } from '../telephony/ari.js';
import type { PlaybackJson } from '../telephony/ari-types.js';
import type { EventWaiters } from './event-waiters.js';

export interface PlayOptions {
  onStarted?: () => void;
  /** Cuts the prompt short when it resolves (a caller typing over it). */
  stopWhen?: Promise<unknown>;
}

/**
 * Plays a sound to a channel and resolves when it has finished (state `done` or `failed`).
 * Listens for PlaybackFinished before asking, since the event can beat the HTTP reply.
 */
export async function playToEnd(
  ari: AriConnection,
  events: EventWaiters,
  channelId: string,
  sound: string,
  timeoutMs: number,
  signal: AbortSignal,
  opts: PlayOptions = {},
): Promise<PlaybackJson | undefined> {
  const playbackId = `doorman-play-${randomUUID()}`;
  const finished = events.wait(
    (e) => e.type === 'PlaybackFinished' && e.playback?.id === playbackId,
    timeoutMs,
    `prompt ${sound}`,
    signal,
  );
  await ari.play(channelId, `sound:${sound}`, playbackId);
  opts.onStarted?.();
  let over = false;
  opts.stopWhen
    ?.then(() => (over ? undefined : ari.stopPlayback(playbackId)))
    // It may have ended on its own meanwhile (404): finished either way.
    .catch(() => {});
  try {
    return (await finished).playback;
  } finally {
    over = true;
  }
}

import type { Logger } from 'pino';
import type { CallChannel } from '../../calls/call-channel.js';
import type { LiveEvent } from '../../calls/live-feed.js';
import type { RecordingStore } from '../../calls/recordings.js';
import type { Config, Route } from '../../config/schema.js';
import type { Challenge } from '../setup.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** What the Live page is told, without the call's id and the time (the session adds those). */
export type CallEvent = DistributiveOmit<LiveEvent, 'callId' | 'at'>;

/** What every step of the speech challenge works with: one call's channel and what it needs to judge. */
export interface ChallengeContext {
  channel: CallChannel;
  config: Config;
  route: Route;
  /** Read once per answer: a directory change replaces it as a whole. */
  challenge: Challenge;
  recordings: Pick<RecordingStore, 'save'>;
  log: Logger;
  publish: (e: CallEvent) => void;
  /** The recordings' base name, when not the channel's id (a caller asked again after the callee's "not for me"). */
  recordAs?: string;
}

/** Each answer's audio at the media leg's rate. */
export const MEDIA_RATE = 16_000; // slin16
export const FRAME_BYTES = 640; // 20 ms of slin16

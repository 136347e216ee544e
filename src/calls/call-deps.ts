import type { Logger } from 'pino';
import type { Challenge } from '../challenge/setup.js';
import type { Config } from '../config/schema.js';
import type { HouseModeName } from '../config/sections/house.js';
import type { NameRules } from '../match/name-rules.js';
import type { NumberRules } from '../match/number-rules.js';
import type { CallRate } from '../policy/call-rate.js';
import type { DurableWrites } from '../store/durable-writes.js';
import type { PinSets } from '../store/pin-sets.js';
import type { ReadCopy } from '../store/read-copy.js';
import type { BypassState } from '../store/screening-state.js';
import type { Store } from '../store/store.js';
import type { AriConnection } from '../telephony/ari.js';
import type { Cached } from '../util/cached.js';
import type { CallSession } from './call-session.js';
import type { LiveFeed } from './live-feed.js';
import type { RecordingStore } from './recordings.js';
import type { Router } from './router.js';

/** What every call session is given by the app: shared by all calls, owned by none. */
export interface CallDeps {
  config: Config;
  ari: AriConnection;
  router: Router;
  recordings: RecordingStore;
  challenge: Challenge;
  store: Store;
  /** The shared database's reads, answered from the local copy while it does not answer. */
  copy: ReadCopy;
  /** List writes and the call log, queued locally while the database is down. */
  writes: DurableWrites;
  nameRules: Cached<NameRules>;
  numberRules: Cached<NumberRules>;
  /** Calls counted for the `flood` check, by this Doorman. */
  callRate: CallRate;
  bypass: Cached<BypassState>;
  /** Home or away (`house`), as the settings say. */
  house: Cached<HouseModeName>;
  logger: Logger;
  pins: PinSets;
  /** Where the Live page hears what happens to calls. */
  live: LiveFeed;
  /** Lets the app route events for helper channels (media, the callee's leg) to their call. */
  claimChannel: (channelId: string, session: CallSession) => void;
}

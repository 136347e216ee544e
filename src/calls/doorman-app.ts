import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Challenge } from '../challenge/setup.js';
import type { Config } from '../config/schema.js';
import type { HouseModeName } from '../config/sections/house.js';
import type { ChangeFeed } from '../events/change-feed.js';
import { ScreeningWatch } from '../events/screening-watch.js';
import { passRule } from '../match/expected-callers.js';
import { NameRules } from '../match/name-rules.js';
import { NumberRules } from '../match/number-rules.js';
import { CallRate } from '../policy/call-rate.js';
import type { DurableWrites } from '../store/durable-writes.js';
import { ExpectedCallerStore } from '../store/expected-caller-store.js';
import { readHouseMode } from '../store/house-mode.js';
import { NumberRuleStore } from '../store/number-rule-store.js';
import { openPinSets } from '../store/pin-key.js';
import type { PinSets } from '../store/pin-sets.js';
import type { ReadCopy } from '../store/read-copy.js';
import { type BypassState, readBypass } from '../store/screening-state.js';
import type { Store } from '../store/store.js';
import { type AriConnection, isGone } from '../telephony/ari.js';
import type { AriEvent, BridgeJson, ChannelJson } from '../telephony/ari-types.js';
import { SECOND_EXTEN } from '../telephony/dialplan.js';
import { Cached } from '../util/cached.js';
import { BRIDGE_NAME_PREFIX, MEDIA_CHANNEL_PREFIX } from './ari-call-channel.js';
import type { CallReport } from './call-report.js';
import { CallSession } from './call-session.js';
import { CALLEE_CHANNEL_PREFIX, CONNECT_BRIDGE_PREFIX } from './callee-leg.js';
import { EventWaiters } from './event-waiters.js';
import { EXPECT, ExpectCode } from './expect-code.js';
import { helperApp } from './helper-ids.js';
import { LAST_CALLER, LastCallerCodes } from './last-caller.js';
import { LiveFeed } from './live-feed.js';
import { OUTBOUND, OUTBOUND_GRANT, OutboundPin } from './outbound-pin.js';
import { OutboundWatcher } from './outbound-watcher.js';
import { playToEnd } from './playback.js';
import { RecordingStore } from './recordings.js';
import { Router } from './router.js';
import { ScreeningSwitch, TOGGLE_SCREENING } from './screening-switch.js';

interface AppEvents {
  call: [CallReport];
}

/**
 * The Stasis application: turns each inbound channel into a CallSession, routes ARI events to
 * the session they concern, and tidies up what a previous run of Doorman left behind.
 */
export class DoormanApp extends EventEmitter<AppEvents> {
  private readonly sessions = new Map<string, CallSession>();
  /** Channel id (the call's own and its helpers') -> session. */
  private readonly owners = new Map<string, CallSession>();
  private readonly router: Router;
  private readonly recordings: RecordingStore;
  private readonly running = new Set<Promise<unknown>>();
  readonly nameRules: Cached<NameRules>;
  readonly numberRules: Cached<NumberRules>;
  /** What the `flood` check counts: the calls this Doorman saw, per number and in all. */
  readonly callRate: CallRate;
  private readonly outbound: OutboundWatcher;
  private readonly screening: ScreeningSwitch;
  /** For the few things the app itself waits on (feature-code prompts). */
  private readonly waiters = new EventWaiters();
  readonly bypass: Cached<BypassState>;
  /** Home or away, read at most every 2 s (switched from Home Assistant, the API or the CLI). */
  readonly house: Cached<HouseModeName>;
  /** Reports screening changes, made here or seen in the database (`watch` it once the feed has listeners). */
  readonly screeningChanges: ScreeningWatch;
  readonly pins: PinSets;
  /** What happens to calls, as it happens (the admin API's live stream). */
  readonly live = new LiveFeed();
  private sweptAt = Number.NEGATIVE_INFINITY;
  private readonly outboundPin: OutboundPin;
  /** Stasis arguments that are not calls to screen but phones using a feature. */
  private readonly features: Record<string, (channel: ChannelJson, args: string[]) => Promise<void>>;

  constructor(
    private readonly config: Config,
    private readonly ari: AriConnection,
    private readonly challenge: Challenge,
    private readonly store: Store,
    private readonly writes: DurableWrites,
    private readonly logger: Logger,
    private readonly copy: ReadCopy,
    changes: ChangeFeed,
  ) {
    super();
    this.router = new Router(ari, config.destinations);
    this.recordings = new RecordingStore(config.recordings.dir);
    // What the checks read comes from the local copy while a shared database does not answer.
    this.nameRules = new Cached(
      async () => new NameRules((await copy.read((s) => s.nameRules())).value),
      10_000,
    );
    // Expected callers' number prefixes are allow rules while their passes live.
    this.callRate = new CallRate(config.floods);
    this.numberRules = new Cached(async () => {
      const {
        value: [rules, live],
      } = await copy.read((s) =>
        Promise.all([new NumberRuleStore(s).list(), new ExpectedCallerStore(s).active()]),
      );
      return new NumberRules([...rules, ...live.flatMap((p) => passRule(p) ?? [])]);
    }, 10_000);
    // Short: a bypass switched on from a phone or an API should take effect almost at once.
    this.bypass = new Cached(async () => (await copy.read(readBypass)).value, 2_000);
    this.house = new Cached(async () => (await copy.read(readHouseMode)).value, 2_000);
    this.pins = openPinSets(store, config.pins);
    this.outboundPin = new OutboundPin(
      config,
      ari,
      this.pins,
      store,
      this.waiters,
      logger.child({ component: 'outbound-pin' }),
    );
    const lastCaller = new LastCallerCodes(
      config,
      ari,
      store,
      writes,
      this.waiters,
      logger.child({ component: 'last-caller' }),
    );
    const expect = new ExpectCode(
      config,
      ari,
      store,
      this.waiters,
      () => this.numberRules.invalidate(),
      logger.child({ component: 'expect' }),
    );
    this.features = {
      [TOGGLE_SCREENING]: (channel) => this.toggleScreening(channel),
      [OUTBOUND]: (channel, args) => this.outboundPin.check(channel, args),
      [OUTBOUND_GRANT]: (channel) => this.outboundPin.grant(channel),
      [LAST_CALLER]: (channel, args) => lastCaller.handle(channel, args),
      [EXPECT]: (channel) => expect.handle(channel),
    };
    this.outbound = new OutboundWatcher(config, ari, writes, logger.child({ component: 'outbound' }));
    ari.on('event', (e) => this.onEvent(e));
    const screeningLog = logger.child({ component: 'screening' });
    this.screeningChanges = new ScreeningWatch(store, this.bypass, changes, screeningLog);
    this.screening = new ScreeningSwitch(ari, store, this.bypass, this.screeningChanges, screeningLog);
    ari.on('connected', () => {
      this.screening.watch();
      this.track(this.sweep());
      this.track(this.outbound.subscribe());
    });
  }

  get activeCalls(): number {
    return this.sessions.size;
  }

  private onEvent(event: AriEvent): void {
    if (event.type === 'Dial' || event.type === 'ChannelVarset') this.outbound.onEvent(event);
    this.waiters.dispatch(event);
    if (event.type === 'StasisStart' && event.channel) {
      const feature = this.features[event.args?.[0] ?? ''];
      if (feature) {
        const channel = event.channel;
        this.track(
          feature(channel, event.args ?? []).catch((e) =>
            this.logger.warn({ err: e, call: channel.id }, `${event.args?.[0]} failed`),
          ),
        );
        return;
      }
    }
    if (event.type === 'StasisStart' && event.channel && !isHelperChannel(event.channel.id)) {
      // A call the first Doorman could not take, or dropped: it may have left things behind.
      if (event.channel.dialplan?.exten === SECOND_EXTEN) this.sweepSoon();
      if (!this.sessions.has(event.channel.id)) this.startCall(event);
      return;
    }
    const target = event.playback?.target_uri?.replace(/^channel:/, '');
    const session =
      this.owners.get(event.channel?.id ?? '') ?? (target ? this.owners.get(target) : undefined);
    session?.onEvent(event);
  }

  private async toggleScreening(channel: NonNullable<AriEvent['channel']>): Promise<void> {
    const signal = AbortSignal.timeout(15_000);
    const play = async (sound: string) => {
      await playToEnd(this.ari, this.waiters, channel.id, sound, 10_000, signal);
    };
    try {
      await this.screening.toggle(channel, play);
    } catch (e) {
      this.logger.warn({ err: e, call: channel.id }, 'the screening feature code failed');
      await this.ari.hangup(channel.id).catch(() => {});
    }
  }

  private startCall(event: AriEvent): void {
    const channel = event.channel as NonNullable<AriEvent['channel']>;
    const session = new CallSession(channel, event.args ?? [], {
      config: this.config,
      ari: this.ari,
      router: this.router,
      recordings: this.recordings,
      challenge: this.challenge,
      store: this.store,
      writes: this.writes,
      nameRules: this.nameRules,
      numberRules: this.numberRules,
      callRate: this.callRate,
      bypass: this.bypass,
      house: this.house,
      pins: this.pins,
      live: this.live,
      logger: this.logger,
      copy: this.copy,
      claimChannel: (id, s) => this.owners.set(id, s),
    });
    this.sessions.set(channel.id, session);
    this.owners.set(channel.id, session);
    this.track(
      session.run().then(
        (report) => {
          this.release(session);
          this.emit('call', report);
        },
        (e) => {
          this.release(session);
          session.log.error({ err: e }, 'call session crashed');
        },
      ),
    );
  }

  private release(session: CallSession): void {
    this.sessions.delete(session.channelId);
    for (const [id, s] of this.owners) if (s === session) this.owners.delete(id);
  }

  private track(p: Promise<unknown>): void {
    this.running.add(p);
    p.finally(() => this.running.delete(p));
  }

  /** A sweep, unless one ran in the last minute. */
  private sweepSoon(): void {
    if (performance.now() - this.sweptAt < 60_000) return;
    this.track(this.sweep());
  }

  /**
   * After every (re)connect: bridges and media channels nobody here owns are leftovers of a
   * crashed run or of calls that ended while Asterisk was unreachable.
   */
  private async sweep(): Promise<void> {
    this.sweptAt = performance.now();
    try {
      // Only sessions older than the listing: a call arriving meanwhile may be missing from it.
      const earlier = [...this.sessions.values()];
      const [bridges, channels, apps] = await Promise.all([
        this.ari.listBridges(),
        this.ari.listChannels(),
        this.ari.listApplications(),
      ]);
      // Another Doorman's (ari.secondApp): its calls, unless they are plainly left over. One of
      // its bridges is empty only while it sets a call up (seconds); its helper channels go
      // with it, once it is no longer connected.
      const others = (id: string) => {
        const app = helperApp(id);
        return app !== null && app !== this.ari.app ? app : null;
      };
      const othersLeftover = (b: BridgeJson) =>
        b.channels.length === 0 &&
        b.creationtime !== undefined &&
        Date.now() - Date.parse(b.creationtime) > FOREIGN_EMPTY_BRIDGE_MS;
      const othersLive = (id: string) => {
        const app = others(id);
        return app !== null && apps.includes(app);
      };
      // Calls that ended while the event socket was down (Asterisk restarted) sent no StasisEnd.
      const alive = new Set(channels.map((c) => c.id));
      for (const session of earlier) if (!alive.has(session.channelId)) session.vanished();
      const ownedBridges = new Set<string>();
      for (const b of bridges) {
        // Two people an earlier run bridged (an announced call accepted) are left talking.
        const talking = b.id.startsWith(CONNECT_BRIDGE_PREFIX) && b.channels.length >= 2;
        if (
          !b.id.startsWith(BRIDGE_NAME_PREFIX) ||
          talking ||
          (others(b.id) !== null && !othersLeftover(b)) ||
          b.channels.some((c) => this.owners.has(c))
        ) {
          ownedBridges.add(b.id);
          continue;
        }
        await this.ari.destroyBridge(b.id).catch((e) => isGone(e) || Promise.reject(e));
      }
      let media = 0;
      const inTalks = new Set(bridges.filter((b) => ownedBridges.has(b.id)).flatMap((b) => b.channels));
      for (const c of channels) {
        if (isHelperChannel(c.id) && !this.owners.has(c.id) && !inTalks.has(c.id) && !othersLive(c.id)) {
          media++;
          await this.ari.hangup(c.id).catch((e) => isGone(e) || Promise.reject(e));
        }
      }
      const stale = bridges.length - ownedBridges.size;
      if (stale || media)
        this.logger.info({ bridges: stale, mediaChannels: media }, 'removed leftovers of an earlier run');
    } catch (e) {
      this.logger.warn({ err: e }, 'could not check Asterisk for leftovers');
    }
  }

  /** Hands every call in progress back to the dialplan and waits until each has left. */
  async stop(): Promise<void> {
    this.screening.stop();
    this.screeningChanges.stop();
    await Promise.all([...this.sessions.values()].map((s) => s.shutdown()));
    await Promise.allSettled([...this.running]);
  }
}

/** How long another Doorman's bridge may sit empty before it is taken for a leftover. */
const FOREIGN_EMPTY_BRIDGE_MS = 30_000;

/** Channels Doorman made for a call (media legs, callees rung), never calls of their own. */
const isHelperChannel = (id: string): boolean =>
  id.startsWith(MEDIA_CHANNEL_PREFIX) || id.startsWith(CALLEE_CHANNEL_PREFIX);

import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { LiveEvent, LiveFeed } from '../calls/live-feed.js';
import type { Config } from '../config/schema.js';
import { hideInUrl } from '../config/secrets.js';
import { HOUSE_MODES, type HouseModeName } from '../config/sections/house.js';
import type { CallerChange, ChangeFeed, ScreeningChange } from '../events/change-feed.js';
import type { ScreeningChanges } from '../events/screening-watch.js';
import { bypassEnd, isBypassed } from '../policy/checks/bypass.js';
import { setHouseMode } from '../store/house-mode.js';
import { type BypassState, setBypassFor, setScreening } from '../store/screening-state.js';
import type { Store } from '../store/store.js';
import type { Cached } from '../util/cached.js';
import { withTimeout } from '../util/timeout.js';

export interface MqttBridgeDeps {
  store: Store;
  bypass: Cached<BypassState>;
  /** Commands change screening through it, so they are reported as MQTT's. */
  screening: ScreeningChanges;
  live: LiveFeed;
  /** Screening and list changes, published as events. */
  changes: ChangeFeed;
  activeCalls: () => number;
  /** Home or away (`house`); the `set/house` command switches it. */
  house: Cached<HouseModeName>;
  log: Logger;
}

/** What Doorman publishes as its state, retained: a new subscriber (Home Assistant) sees it at once. */
interface State {
  screening: 'ON' | 'OFF';
  bypass_until: string;
  active_calls: string;
  house: HouseModeName;
}

/**
 * Doorman on an MQTT broker: its state (screening, a bypass's end, active calls) retained under
 * `<topic>/state/`, each call's start and end, screening changes (`screening.changed`) and list
 * changes (`caller.listed`) under `<topic>/event` (not retained: an event is news once), `online`/`offline` under
 * `<topic>/status` (the broker says offline if Doorman dies), Home Assistant discovery
 * messages so a switch and sensors appear by themselves, and commands under `<topic>/set/`:
 * `screening` ON/OFF, `bypass` minutes. A broker that is down or drops Doorman costs nothing but
 * the messages: screening goes on, and the client reconnects every 2 s.
 */
export class MqttBridge {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private last: Record<string, string> = {};
  private readonly onLive = (e: LiveEvent) => this.event(e);
  private readonly onScreening = (e: ScreeningChange) =>
    this.publishEvent({ type: 'screening.changed', ...e });
  private readonly onCaller = (e: CallerChange) => this.publishEvent({ type: 'caller.listed', ...e });

  constructor(
    private readonly cfg: Config['mqtt'],
    private readonly deps: MqttBridgeDeps,
  ) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  private topic(...parts: string[]): string {
    return [this.cfg.topic, ...parts].join('/');
  }

  start(): void {
    const { cfg, deps } = this;
    const client = mqtt.connect(cfg.url, {
      ...(cfg.username ? { username: cfg.username, password: cfg.password } : {}),
      clientId: `doorman-${cfg.nodeId}-${process.pid}`,
      connectTimeout: cfg.timeoutMs,
      reconnectPeriod: 2_000,
      will: { topic: this.topic('status'), payload: Buffer.from('offline'), retain: true, qos: 1 },
    });
    this.client = client;
    client.on('connect', () => {
      deps.log.info({ url: hideInUrl(cfg.url) }, 'connected to the MQTT broker');
      this.last = {};
      void this.afterConnect().catch((e) => deps.log.warn({ err: e }, 'MQTT: could not announce Doorman'));
    });
    client.on('close', () => deps.log.debug('MQTT connection closed; reconnecting'));
    client.on('error', (e) => deps.log.warn({ err: e }, 'MQTT error'));
    client.on('message', (topic, payload) => {
      void this.command(topic, payload.toString('utf8').trim());
    });
    deps.live.on('event', this.onLive);
    deps.changes.on('screening', this.onScreening);
    deps.changes.on('caller', this.onCaller);
    this.timer = setInterval(() => void this.publishState().catch(() => {}), 2_000);
    this.timer.unref();
  }

  private async afterConnect(): Promise<void> {
    // Subscribed before saying "online": a command sent once Doorman is seen online (Home
    // Assistant's availability, after a reconnect too) is never lost to the announcements.
    await new Promise<void>((resolve, reject) =>
      this.client?.subscribe(this.topic('set', '+'), { qos: 1 }, (e) => (e ? reject(e) : resolve())),
    );
    await this.send(this.topic('status'), 'online', true);
    if (this.cfg.discoveryPrefix)
      for (const [topic, payload] of discoveryMessages(this.cfg))
        await this.send(topic, JSON.stringify(payload), true);
    await this.publishState();
  }

  /** Publishes each part of the state that changed since it was last published. */
  async publishState(): Promise<void> {
    if (!this.connected) return;
    const b = await this.deps.bypass.get();
    const now = new Date();
    const state: State = {
      screening: isBypassed(b, now) ? 'OFF' : 'ON',
      // Home Assistant reads "None" as no value.
      bypass_until: bypassEnd(b, now)?.toISOString() ?? 'None',
      active_calls: String(this.deps.activeCalls()),
      house: await this.deps.house.get().catch(() => 'home' as const),
    };
    for (const key of Object.keys(state) as Array<keyof State>) {
      if (this.last[key] === state[key]) continue;
      await this.send(this.topic('state', key), state[key], true);
      this.last[key] = state[key];
    }
  }

  private event(e: LiveEvent): void {
    if (e.type !== 'started' && e.type !== 'finished') return;
    const { type, ...rest } = e;
    this.publishEvent({ type: type === 'started' ? 'call.started' : 'call.finished', ...rest });
  }

  /** An event, and the state it may have changed (calls in progress, screening). */
  private publishEvent(payload: { type: string }): void {
    this.send(this.topic('event'), JSON.stringify(payload), false).catch((err) =>
      this.deps.log.debug({ err, event: payload.type }, 'MQTT: event not published'),
    );
    void this.publishState().catch(() => {});
  }

  /**
   * A command: `<topic>/set/screening` ON|OFF, `<topic>/set/bypass` MINUTES (0 ends a bypass),
   * `<topic>/set/house` home|away.
   */
  private async command(topic: string, payload: string): Promise<void> {
    const { store, screening, log } = this.deps;
    const name = topic.slice(this.topic('set').length + 1);
    const fail = (why: string) => {
      log.warn({ topic, payload: payload.slice(0, 100) }, `MQTT command refused: ${why}`);
      this.send(this.topic('error'), JSON.stringify({ topic, error: why }), false).catch(() => {});
    };
    try {
      if (name === 'house') {
        const mode = payload.toLowerCase();
        if (!(HOUSE_MODES as readonly string[]).includes(mode)) return fail('house takes home or away');
        await setHouseMode(store, mode as HouseModeName);
        this.deps.house.invalidate();
        log.info({ mode }, 'house mode changed over MQTT');
        await this.publishState();
        return;
      }
      if (name === 'screening') {
        const on = payload.toUpperCase();
        if (on !== 'ON' && on !== 'OFF') return fail('screening takes ON or OFF');
        await screening.change('mqtt', async () => {
          await setScreening(store, on === 'ON');
          if (on === 'ON') await setBypassFor(store, 0);
        });
      } else if (name === 'bypass') {
        const minutes = Number(payload);
        if (!/^\d+(\.\d+)?$/.test(payload) || minutes > 7 * 24 * 60)
          return fail('bypass takes a number of minutes, 0 to 10080');
        await screening.change('mqtt', () => setBypassFor(store, minutes));
      } else {
        return fail(`unknown command "${name}" (screening, bypass, house)`);
      }
      log.info({ command: name, payload }, 'screening changed over MQTT');
      await this.publishState();
    } catch (e) {
      fail(`could not change the screening state: ${(e as Error).message}`);
    }
  }

  private send(topic: string, payload: string, retain: boolean): Promise<void> {
    const client = this.client;
    if (!client?.connected) return Promise.resolve();
    return withTimeout(
      new Promise<void>((resolve, reject) =>
        client.publish(topic, payload, { retain, qos: 1 }, (e) => (e ? reject(e) : resolve())),
      ),
      this.cfg.timeoutMs,
      `MQTT publish to ${topic}`,
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.deps.live.off('event', this.onLive);
    this.deps.changes.off('screening', this.onScreening);
    this.deps.changes.off('caller', this.onCaller);
    const client = this.client;
    if (!client) return;
    await this.send(this.topic('status'), 'offline', true).catch(() => {});
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
  }
}

/**
 * Home Assistant MQTT discovery: a switch for screening, a select for the house mode, and
 * sensors for a bypass's end and the calls in progress, one device per Doorman, each unavailable while Doorman is offline.
 */
export function discoveryMessages(cfg: Config['mqtt']): Array<[string, Record<string, unknown>]> {
  const t = (...p: string[]) => [cfg.topic, ...p].join('/');
  const id = cfg.nodeId;
  const common = {
    availability_topic: t('status'),
    payload_available: 'online',
    payload_not_available: 'offline',
    device: {
      identifiers: [`doorman_${id}`],
      name: `Doorman ${id}`,
      manufacturer: 'Doorman',
      model: 'call screener',
    },
  };
  const at = (component: string, object: string) =>
    `${cfg.discoveryPrefix}/${component}/${id}/${object}/config`;
  return [
    [
      at('switch', 'screening'),
      {
        ...common,
        name: 'Call screening',
        unique_id: `doorman_${id}_screening`,
        state_topic: t('state', 'screening'),
        command_topic: t('set', 'screening'),
        payload_on: 'ON',
        payload_off: 'OFF',
        icon: 'mdi:phone-lock',
      },
    ],
    [
      at('sensor', 'bypass_until'),
      {
        ...common,
        name: 'Screening bypassed until',
        unique_id: `doorman_${id}_bypass_until`,
        state_topic: t('state', 'bypass_until'),
        device_class: 'timestamp',
      },
    ],
    [
      at('select', 'house'),
      {
        ...common,
        name: 'House mode',
        unique_id: `doorman_${id}_house`,
        state_topic: t('state', 'house'),
        command_topic: t('set', 'house'),
        options: [...HOUSE_MODES],
        icon: 'mdi:home-account',
      },
    ],
    [
      at('sensor', 'active_calls'),
      {
        ...common,
        name: 'Calls in progress',
        unique_id: `doorman_${id}_active_calls`,
        state_topic: t('state', 'active_calls'),
        state_class: 'measurement',
        icon: 'mdi:phone-in-talk',
      },
    ],
  ];
}

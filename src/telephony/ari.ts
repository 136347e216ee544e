import { EventEmitter } from 'node:events';
import ari, { type Client, type Operation } from 'ari-client';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { AriError, DoormanError } from '../errors.js';
import { sleep, withTimeout } from '../util/timeout.js';
import type {
  AriEvent,
  BridgeJson,
  ChannelJson,
  DialplanTarget,
  ExternalMediaParams,
  OriginateParams,
} from './ari-types.js';

export interface AriOptions {
  url: string;
  username: string;
  password: string;
  app: string;
  /** Receive every channel's events, not only those of channels in this app (observers, tests). */
  subscribeAll?: boolean;
  requestTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  logger: Logger;
}

interface AriEvents {
  connected: [];
  disconnected: [reason: string];
  event: [AriEvent];
}

const HEARTBEAT_MS = 5_000;

/**
 * Doorman's only door to ari-client. REST operations go through ari-client with a deadline each;
 * the event WebSocket is kept here, so reconnecting after an Asterisk restart is fast (capped
 * backoff, never giving up), a dead peer is noticed by heartbeat, and an event this version of
 * ari-client does not know cannot crash the process.
 */
export class AriConnection extends EventEmitter<AriEvents> {
  private client: Client | undefined;
  private ws: WebSocket | undefined;
  private stopped = false;
  private isConnected = false;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly opts: AriOptions) {
    super();
    this.log = opts.logger.child({ component: 'ari' });
  }

  get connected(): boolean {
    return this.isConnected;
  }

  get app(): string {
    return this.opts.app;
  }

  /** Starts connecting in the background; resolves once connected the first time. */
  start(): Promise<void> {
    const first = new Promise<void>((resolve) => this.once('connected', resolve));
    this.loop = this.run().catch((e) => {
      if (!this.stopped) this.log.fatal({ err: e }, 'ARI connection loop failed');
    });
    return first;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort(new DoormanError('STOPPED', 'ARI connection stopped'));
    this.ws?.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    let delay = this.opts.reconnectMinMs;
    while (!this.stopped) {
      try {
        this.client ??= await withTimeout(
          quietConnect(this.opts),
          this.opts.requestTimeoutMs,
          'ARI connect',
          {
            url: this.opts.url,
          },
        );
        const closed = await this.openEvents();
        delay = this.opts.reconnectMinMs;
        const reason = await closed;
        if (this.stopped) return;
        this.log.warn({ reason }, 'ARI event socket closed; reconnecting');
      } catch (e) {
        if (this.stopped) return;
        this.log.warn({ err: e, retryInMs: delay }, 'ARI not reachable');
      }
      try {
        await sleep(delay, this.abort.signal);
      } catch {
        return;
      }
      delay = Math.min(delay * 2, this.opts.reconnectMaxMs);
    }
  }

  /** Opens the event socket; resolves when open with a promise of the reason it later closes. */
  private openEvents(): Promise<Promise<string>> {
    const base = this.opts.url.replace(/^http/, 'ws').replace(/\/$/, '');
    const q = new URLSearchParams({
      app: this.opts.app,
      api_key: `${this.opts.username}:${this.opts.password}`,
    });
    if (this.opts.subscribeAll) q.set('subscribeAll', 'true');
    const ws = new WebSocket(`${base}/ari/events?${q}`, { handshakeTimeout: this.opts.requestTimeoutMs });
    this.ws = ws;
    return new Promise((resolveOpen, rejectOpen) => {
      let closedResolve: (reason: string) => void = () => {};
      const closed = new Promise<string>((r) => {
        closedResolve = r;
      });
      let alive = true;
      let heartbeat: NodeJS.Timeout | undefined;
      ws.on('open', () => {
        this.isConnected = true;
        heartbeat = setInterval(() => {
          if (!alive) {
            ws.terminate();
            return;
          }
          alive = false;
          ws.ping();
        }, HEARTBEAT_MS);
        this.log.info({ app: this.opts.app, url: this.opts.url }, 'ARI connected');
        resolveOpen(closed);
        this.emit('connected');
      });
      ws.on('pong', () => {
        alive = true;
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        let event: AriEvent;
        try {
          event = JSON.parse(data.toString());
        } catch {
          this.log.warn({ bytes: data.toString().length }, 'ignoring a malformed ARI event');
          return;
        }
        if (!event || typeof event.type !== 'string') {
          this.log.warn('ignoring an ARI event without a type');
          return;
        }
        if (!wellFormed(event)) {
          this.log.warn({ type: event.type }, 'ignoring an ARI event with malformed fields');
          return;
        }
        try {
          this.emit('event', event);
        } catch (e) {
          this.log.error({ err: e, type: event.type }, 'handler of an ARI event failed');
        }
      });
      ws.on('error', (e) => {
        if (!this.isConnected || ws.readyState !== WebSocket.OPEN) rejectOpen(e);
        this.log.debug({ err: e }, 'ARI event socket error');
      });
      ws.on('close', (code, reason) => {
        clearInterval(heartbeat);
        const wasConnected = this.isConnected && this.ws === ws;
        if (this.ws === ws) this.isConnected = false;
        const why = `code ${code}${reason.length ? ` ${reason.toString()}` : ''}`;
        rejectOpen(new AriError('events', undefined, `socket closed before opening (${why})`));
        closedResolve(why);
        if (wasConnected) this.emit('disconnected', why);
      });
    });
  }

  // ---------------------------------------------------------------- REST

  private async call<T>(resource: string, operation: string, params: Record<string, unknown>): Promise<T> {
    const client = this.client;
    const name = `${resource}.${operation}`;
    if (!client) throw new AriError(name, undefined, 'not connected to Asterisk', params);
    const fn = (client[resource] as Record<string, Operation> | undefined)?.[operation];
    if (!fn) throw new AriError(name, undefined, 'operation unknown to this Asterisk', params);
    try {
      return (await withTimeout(fn(params), this.opts.requestTimeoutMs, `ARI ${name}`, params)) as T;
    } catch (e) {
      if (e instanceof DoormanError) throw e;
      const detail = errorDetail(e);
      throw new AriError(name, statusOf(detail), detail, params, { cause: e });
    }
  }

  answer(channelId: string): Promise<void> {
    return this.call('channels', 'answer', { channelId });
  }

  /** Tells a caller not yet answered that the call is ringing (they hear ringback). */
  ring(channelId: string): Promise<void> {
    return this.call('channels', 'ring', { channelId });
  }

  play(channelId: string, media: string, playbackId: string): Promise<void> {
    return this.call('channels', 'play', { channelId, media, playbackId });
  }

  stopPlayback(playbackId: string): Promise<void> {
    return this.call('playbacks', 'stop', { playbackId });
  }

  hangup(channelId: string, reason: string = 'normal'): Promise<void> {
    return this.call('channels', 'hangup', { channelId, reason });
  }

  /** Leaves Stasis for `target`, or without one at the dialplan line after Stasis(). */
  continueInDialplan(channelId: string, target?: DialplanTarget): Promise<void> {
    return this.call('channels', 'continueInDialplan', { channelId, ...target });
  }

  setVariable(channelId: string, variable: string, value: string): Promise<void> {
    return this.call('channels', 'setChannelVar', { channelId, variable, value });
  }

  /** A channel variable or dialplan function's value (`STIR_SHAKEN(count)`); '' when unset. */
  async getVariable(channelId: string, variable: string): Promise<string> {
    const r: { value?: unknown } = await this.call('channels', 'getChannelVar', { channelId, variable });
    return typeof r?.value === 'string' ? r.value : '';
  }

  getChannel(channelId: string): Promise<ChannelJson> {
    return this.call('channels', 'get', { channelId });
  }

  listChannels(): Promise<ChannelJson[]> {
    return this.call('channels', 'list', {});
  }

  /** A channel whose audio Doorman reads over a WebSocket it opens to Asterisk (server mode). */
  externalMedia(p: ExternalMediaParams): Promise<ChannelJson> {
    return this.call('channels', 'externalMedia', {
      app: this.opts.app,
      channelId: p.channelId,
      external_host: 'INCOMING',
      transport: 'websocket',
      encapsulation: 'none',
      connection_type: 'server',
      format: p.format,
      ...(p.variables ? { variables: { variables: p.variables } } : {}),
    });
  }

  /** Where to connect for an external-media channel's audio. */
  mediaUrl(connectionId: string): string {
    return `${this.opts.url.replace(/^http/, 'ws').replace(/\/$/, '')}/media/${encodeURIComponent(connectionId)}`;
  }

  createBridge(bridgeId: string, name: string): Promise<BridgeJson> {
    return this.call('bridges', 'create', { bridgeId, name, type: 'mixing' });
  }

  addToBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    return this.call('bridges', 'addChannel', { bridgeId, channel: channelIds.join(',') });
  }

  destroyBridge(bridgeId: string): Promise<void> {
    return this.call('bridges', 'destroy', { bridgeId });
  }

  /** Adds an event source (`endpoint:PJSIP/trunk`, `deviceState:...`) to this app's subscriptions. */
  subscribe(eventSource: string): Promise<void> {
    return this.call('applications', 'subscribe', { applicationName: this.opts.app, eventSource });
  }

  /** Sets a device state Doorman owns (`Stasis:<name>`), for BLF keys via a dialplan hint. */
  setDeviceState(name: string, state: 'INUSE' | 'NOT_INUSE'): Promise<void> {
    return this.call('deviceStates', 'update', { deviceName: `Stasis:${name}`, deviceState: state });
  }

  getDeviceState(name: string): Promise<{ name: string; state: string }> {
    return this.call('deviceStates', 'get', { deviceName: `Stasis:${name}` });
  }

  listBridges(): Promise<BridgeJson[]> {
    return this.call('bridges', 'list', {});
  }

  /** The Stasis apps registered in Asterisk now (each a connected ARI client). */
  async listApplications(): Promise<string[]> {
    const apps: Array<{ name?: unknown }> = await this.call('applications', 'list', {});
    return apps.flatMap((a) => (typeof a.name === 'string' ? [a.name] : []));
  }

  originate(p: OriginateParams): Promise<ChannelJson> {
    return this.call('channels', 'originate', {
      endpoint: p.endpoint,
      channelId: p.channelId,
      otherChannelId: p.otherChannelId,
      context: p.context,
      extension: p.extension,
      priority: p.priority,
      callerId: p.callerId,
      formats: p.formats,
      timeout: p.timeoutSeconds,
      variables: { variables: p.variables },
    });
  }

  /**
   * Rings `endpoint`; once answered, its channel enters this app's Stasis with `appArgs`
   * (events about it come here from the start: a call never answered ends in ChannelDestroyed).
   */
  originateToApp(p: Omit<OriginateParams, 'context' | 'extension' | 'priority'> & { appArgs: string }) {
    return this.call<ChannelJson>('channels', 'originate', {
      endpoint: p.endpoint,
      channelId: p.channelId,
      otherChannelId: p.otherChannelId,
      app: this.opts.app,
      appArgs: p.appArgs,
      callerId: p.callerId,
      formats: p.formats,
      timeout: p.timeoutSeconds,
      variables: { variables: p.variables },
    });
  }
}

/** ari-client's swagger loader prints a deprecation notice on stdout, which is not ours to print. */
async function quietConnect(o: AriOptions): Promise<Client> {
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (!String(args[0]).includes('deprecated version of Swagger')) log(...args);
  };
  try {
    return await ari.connect(o.url, o.username, o.password);
  } finally {
    console.log = log;
  }
}

function errorDetail(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  try {
    const body = JSON.parse(msg) as { message?: string };
    if (body && typeof body.message === 'string') return body.message;
  } catch {
    // not a JSON body: a network error
  }
  return msg;
}

/** ari-client drops the HTTP status; recover the common ones from Asterisk's fixed messages. */
function statusOf(detail: string): number | undefined {
  if (/not found/i.test(detail)) return 404;
  if (/not in stasis|not in a stasis|in a bridge|not in bridge|unprocessable/i.test(detail)) return 422;
  if (/conflict|already exists/i.test(detail)) return 409;
  return undefined;
}

/** True when an ARI failure only means the thing is already gone (hung up, destroyed). */
export const isGone = (e: unknown): boolean =>
  e instanceof AriError && (e.status === 404 || e.status === 422);

/** The fields handlers rely on have the types ARI documents (a channel has a string id; args is a list). */
function wellFormed(e: AriEvent): boolean {
  const c = (e as { channel?: unknown }).channel;
  if (
    c !== undefined &&
    (c === null || typeof c !== 'object' || typeof (c as { id?: unknown }).id !== 'string')
  )
    return false;
  // Caller-ID fields are read as text everywhere: anything else (a number, an object) becomes ''.
  for (const party of ['caller', 'connected'] as const) {
    const p = (c as Record<string, unknown> | undefined)?.[party] as Record<string, unknown> | undefined;
    if (p && typeof p === 'object')
      for (const f of ['number', 'name'] as const) if (f in p && typeof p[f] !== 'string') p[f] = '';
  }
  const args = (e as { args?: unknown }).args;
  return args === undefined || (Array.isArray(args) && args.every((a) => typeof a === 'string'));
}

import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { alawFromPcm, ulawFromPcm } from '../audio/g711.js';
import { Int16Downsampler } from '../audio/resample.js';
import { parseWav } from '../audio/wav.js';
import type { Config } from '../config/schema.js';
import { DoormanError } from '../errors.js';
import { AriConnection } from './ari.js';
import type { AriEvent } from './ari-types.js';
import type { RtpPart } from './rtp-capture.js';
import { sipCall } from './sip-phone.js';

/** The sandbox endpoint SIP callers arrive on (docker/asterisk/pjsip.conf). */
const SIP_CALLER_CHANNEL = 'PJSIP/sip-caller-';

/**
 * How a simulated caller who named someone answers "Did you mean Alice Johnson? Press 1" (a
 * name a busy recogniser could not check, challenge.confirmUnchecked): as a person would, with
 * the key, once the question has begun: after the end of the answer (listen.endSilenceMs, 0.8 s)
 * and the hold (listen.holdMs, 2 s). A caller put straight through presses it at the
 * destination, where it does nothing.
 */
export const CONFIRMS_WITH_KEY = { dtmf: '1', dtmfDelaySeconds: 4.5 } as const;

export interface SimulatedCallOptions {
  /** Names the call's channels (`<id>-in` is Doorman's); generated when not given. */
  id?: string;
  from: string;
  name?: string;
  /** The number dialled (the DID), which becomes the Stasis argument. */
  to: string;
  /** WAV the caller says after `delaySeconds`; 8 or 16 kHz mono 16-bit. */
  say?: string;
  delaySeconds: number;
  /** DTMF digits the caller sends after speaking... */
  dtmf?: string;
  /** ...this many seconds after. */
  dtmfDelaySeconds?: number;
  /** How long the caller stays on the line after speaking. */
  waitSeconds: number;
  /** Give up observing after this long. */
  timeoutMs: number;
  /**
   * Call over SIP instead, from SIPp (Debian's sip-tester) to the sandbox's sip-caller endpoint,
   * offering this codec: the caller's audio crosses RTP, the digits go as RFC 4733 events.
   */
  sip?: 'ulaw' | 'alaw';
  /** Over SIP: the INVITE's Identity header (STIR/SHAKEN), for Asterisk to verify. */
  identity?: string;
}

export interface TimelineEntry {
  atMs: number;
  what: string;
}

export interface SimulatedCallResult {
  id: string;
  /** The inbound half's channel id (the one Doorman sees). */
  channelId: string;
  /** The dialplan ran Stasis() for Doorman's app (whether or not Doorman was there to take it). */
  ranStasis: boolean;
  /** The destination that announced itself ([doorman-destinations] UserEvent), if any. */
  destination: string | null;
  /** CHANNEL(accountcode) as the destination saw it ('' when none was set). */
  accountCode: string | null;
  /** What the destination was told (DOORMAN_* variables, the caller-ID name), as it saw them. */
  told: { verdict: string; check: string; entry: string; label: string; heard: string; name: string } | null;
  /** What the protected outbound route decided ([outbound-protected] UserEvent), if it got that far. */
  outbound: string | null;
  /** The account code the outbound call reached the trunk with (`outbound-<ext>` once granted). */
  outboundAccountCode: string | null;
  hungUp: boolean;
  timeline: TimelineEntry[];
  ms: number;
}

interface Pending {
  result: SimulatedCallResult;
  t0: number;
  settle: () => void;
  /** Watch the call to its end, not only until it reaches a destination. */
  untilHangup?: boolean;
}

/**
 * Places simulated inbound calls into the Asterisk sandbox (a Local channel: one half dials
 * [from-pstn] like a PSTN call, the other plays the caller's audio) and watches, from a
 * separate ARI app subscribed to everything, where each call goes.
 */
export class SimulatedCaller {
  private readonly ari: AriConnection;
  private readonly pending = new Map<string, Pending>();
  /** SIP calls placed and not yet seen in Asterisk, by caller number. */
  private readonly sipCallers = new Map<string, Pending>();

  constructor(
    private readonly config: Config,
    logger: Logger,
  ) {
    this.ari = new AriConnection({
      ...config.ari,
      app: `${config.ari.app}-observer-${process.pid}`,
      subscribeAll: true,
      logger,
    });
    this.ari.on('event', (e) => this.onEvent(e));
  }

  async connect(timeoutMs = 30_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new DoormanError('ARI_UNREACHABLE', `no ARI at ${this.config.ari.url} within ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.ari.start(), timedOut]);
    } catch (e) {
      await this.ari.stop();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.ari.stop();
  }

  /** Copies the caller's audio where Asterisk can play it; returns its sound name. */
  private async stageAudio(file: string, id: string): Promise<string> {
    const pcm = parseWav(await readFile(file));
    // Asterisk's format_wav reads 8 kHz as .wav and 16 kHz as .wav16.
    const ext = pcm.sampleRate === 8000 ? 'wav' : pcm.sampleRate === 16000 ? 'wav16' : null;
    if (!ext)
      throw new DoormanError(
        'WAV_RATE',
        `${file}: ${pcm.sampleRate} Hz; Asterisk plays 8000 or 16000 Hz WAVs`,
      );
    await mkdir(this.config.simulator.soundsDir, { recursive: true });
    await writeFile(join(this.config.simulator.soundsDir, `${id}.${ext}`), await readFile(file));
    return `${this.config.simulator.soundsName}/${id}`;
  }

  async call(opts: SimulatedCallOptions): Promise<SimulatedCallResult> {
    if (opts.sip) return this.callOverSip(opts, opts.sip);
    const id = opts.id ?? `sim-${randomUUID().slice(0, 8)}`;
    const sound = opts.say ? await this.stageAudio(opts.say, id) : '';
    const result = newResult(id, `${id}-in`);
    const t0 = performance.now();
    const done = new Promise<void>((resolve) => {
      this.pending.set(result.channelId, { result, t0, settle: resolve });
    });
    const timer = setTimeout(() => this.pending.get(result.channelId)?.settle(), opts.timeoutMs);
    try {
      const name = (opts.name ?? '').replace(/["\\<>]/g, '');
      await this.ari.originate({
        endpoint: `Local/${opts.to}@${this.config.simulator.inboundContext}`,
        channelId: `${id}-caller`,
        otherChannelId: result.channelId,
        context: this.config.simulator.callerContext,
        extension: 's',
        priority: 1,
        callerId: `"${name}" <${opts.from}>`,
        formats: 'ulaw',
        timeoutSeconds: 30,
        variables: {
          CALLER_DELAY: String(opts.delaySeconds),
          CALLER_AUDIO: sound,
          CALLER_DTMF: opts.dtmf ?? '',
          CALLER_DTMF_DELAY: opts.dtmfDelaySeconds ? String(opts.dtmfDelaySeconds) : '',
          CALLER_WAIT: String(opts.waitSeconds),
        },
      });
      await done;
    } finally {
      clearTimeout(timer);
      this.pending.delete(result.channelId);
      if (opts.say) {
        const dir = this.config.simulator.soundsDir;
        await Promise.all(['wav', 'wav16'].map((ext) => rm(join(dir, `${id}.${ext}`), { force: true })));
      }
    }
    result.ms = Math.round(performance.now() - t0);
    return result;
  }

  /**
   * The same call from a SIP phone. Asterisk names its channel, so the call is the first SIP
   * caller channel that shows up with this caller number.
   */
  private async callOverSip(
    opts: SimulatedCallOptions,
    codec: 'ulaw' | 'alaw',
  ): Promise<SimulatedCallResult> {
    const id = opts.id ?? `sip-${randomUUID().slice(0, 8)}`;
    const result = newResult(id, '');
    const t0 = performance.now();
    const rtp: RtpPart[] = [{ silenceMs: opts.delaySeconds * 1000 }];
    if (opts.say) {
      const pcm = parseWav(await readFile(opts.say));
      const at8k = pcm.sampleRate === 16000 ? new Int16Downsampler(2).process(pcm.samples) : pcm.samples;
      if (pcm.sampleRate !== 8000 && pcm.sampleRate !== 16000)
        throw new DoormanError('WAV_RATE', `${opts.say}: ${pcm.sampleRate} Hz; 8000 or 16000 Hz WAVs only`);
      rtp.push({ payload: codec === 'ulaw' ? ulawFromPcm(at8k) : alawFromPcm(at8k) });
    }
    if (opts.dtmf)
      rtp.push({ silenceMs: (opts.dtmfDelaySeconds ?? 0) * 1000 }, { digits: opts.dtmf.replace(/w/g, '') });
    rtp.push({ silenceMs: opts.waitSeconds * 1000 });
    const done = new Promise<void>((resolve) => {
      this.sipCallers.set(opts.from, { result, t0, settle: resolve });
    });
    const timer = setTimeout(() => this.sipCallers.get(opts.from)?.settle(), opts.timeoutMs);
    try {
      const phone = sipCall({
        from: opts.from,
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.identity ? { identity: opts.identity } : {}),
        to: opts.to,
        codec,
        rtp,
        timeoutMs: opts.timeoutMs,
      });
      // The phone runs until the call ends (its BYE or Asterisk's): then no SIPp is left behind.
      await phone;
      await Promise.race([done, new Promise((r) => setTimeout(r, 1_000))]);
    } finally {
      clearTimeout(timer);
      this.sipCallers.delete(opts.from);
      this.pending.delete(result.channelId);
    }
    result.ms = Math.round(performance.now() - t0);
    return result;
  }

  /**
   * A phone on the PBX dialling `extension` in `context`: [outbound-sim] dials a number through
   * the sandbox's trunk, [outbound-protected] does so past Doorman's PIN protect,
   * [doorman-features] has the feature codes. The phone may send DTMF once answered. Resolves
   * when the call ended.
   */
  async dialFromPhone(
    extension: string,
    context: string,
    fromExtension = '1001',
    opts: { dtmf?: string; dtmfDelaySeconds?: number; waitSeconds?: number; timeoutMs?: number } = {},
  ): Promise<SimulatedCallResult> {
    const id = `sim-out-${randomUUID().slice(0, 8)}`;
    const result = newResult(id, `${id}-dial`);
    const t0 = performance.now();
    const ended = new Promise<void>((resolve) => {
      this.pending.set(result.channelId, { result, t0, settle: resolve, untilHangup: true });
    });
    const timer = setTimeout(() => this.pending.get(result.channelId)?.settle(), opts.timeoutMs ?? 60_000);
    try {
      await this.ari.originate({
        endpoint: `Local/${extension}@${context}`,
        channelId: `${id}-phone`,
        otherChannelId: result.channelId,
        context: this.config.simulator.callerContext,
        extension: 's',
        priority: 1,
        callerId: `"Extension ${fromExtension}" <${fromExtension}>`,
        formats: 'ulaw',
        timeoutSeconds: 10,
        variables: {
          CALLER_DELAY: '0.2',
          CALLER_DTMF: opts.dtmf ?? '',
          CALLER_DTMF_DELAY: opts.dtmfDelaySeconds ? String(opts.dtmfDelaySeconds) : '',
          CALLER_WAIT: String(opts.waitSeconds ?? 5),
        },
      });
      await ended;
    } finally {
      clearTimeout(timer);
      this.pending.delete(result.channelId);
    }
    result.ms = Math.round(performance.now() - t0);
    return result;
  }

  /** Hangs up a simulated call's inbound half (as if the caller put the phone down). */
  async hangup(channelId: string): Promise<void> {
    await this.ari.hangup(channelId);
  }

  get connection(): AriConnection {
    return this.ari;
  }

  private onEvent(e: AriEvent): void {
    const waiting =
      e.channel?.name.startsWith(SIP_CALLER_CHANNEL) && this.sipCallers.get(e.channel.caller?.number ?? '');
    if (waiting && e.channel && !waiting.result.channelId) {
      waiting.result.channelId = e.channel.id;
      this.pending.set(e.channel.id, waiting);
    }
    const p = this.pending.get(e.channel?.id ?? '');
    if (!p) return;
    const at = Math.round(performance.now() - p.t0);
    const note = (what: string) => p.result.timeline.push({ atMs: at, what });
    switch (e.type) {
      case 'ChannelDialplan':
        if (e.dialplan_app === 'Stasis' && e.dialplan_app_data?.split(',')[0] === this.config.ari.app) {
          p.result.ranStasis = true;
          note(`Stasis(${e.dialplan_app_data})`);
        } else if (e.dialplan_app) {
          note(`dialplan ${e.channel?.dialplan?.context},${e.channel?.dialplan?.exten}: ${e.dialplan_app}`);
        }
        break;
      case 'ChannelStateChange':
        note(`state ${e.channel?.state}`);
        break;
      case 'ChannelUserevent':
        if (e.eventname === 'DoormanDestination') {
          p.result.destination = e.userevent?.destination ?? null;
          p.result.accountCode = e.userevent?.accountcode ?? null;
          const u = e.userevent ?? {};
          p.result.told = {
            verdict: u.verdict ?? '',
            check: u.check ?? '',
            entry: u.entry ?? '',
            label: u.label ?? '',
            heard: u.heard ?? '',
            name: u.name ?? '',
          };
          note(`reached destination ${p.result.destination}`);
          if (!p.untilHangup) p.settle();
        } else if (e.eventname === 'DoormanOutbound') {
          p.result.outbound = e.userevent?.result ?? null;
          p.result.outboundAccountCode = e.userevent?.accountcode ?? null;
          note(`outbound route: ${p.result.outbound}`);
        }
        break;
      case 'ChannelDestroyed':
        p.result.hungUp = true;
        note(`hung up (${e.cause_txt ?? e.cause})`);
        p.settle();
        break;
    }
  }
}

/** A call's result before anything has happened to it. */
function newResult(id: string, channelId: string): SimulatedCallResult {
  return {
    id,
    channelId,
    ranStasis: false,
    destination: null,
    accountCode: null,
    told: null,
    outbound: null,
    outboundAccountCode: null,
    hungUp: false,
    timeline: [],
    ms: 0,
  };
}

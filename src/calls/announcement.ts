import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import {
  announcementText,
  CALLEE_OPTIONS_TEXT,
  type CalleeDecision,
  isCalleeKey,
} from '../policy/announce.js';
import { speak } from '../speech/tts.js';
import { type AriConnection, isGone } from '../telephony/ari.js';
import type { DialplanTarget } from '../telephony/ari-types.js';
import { CalleeLeg } from './callee-leg.js';
import type { EventWaiters } from './event-waiters.js';
import { waitForKey } from './keys.js';
import { wav16k } from './media-prompts.js';

export interface AnnouncementDeps {
  ari: AriConnection;
  events: EventWaiters;
  config: Config;
  log: Logger;
  claimChannel: (channelId: string) => void;
}

export interface AnnouncementRequest {
  /** The caller's channel, held meanwhile: ringing until answered, then `announce.hold`. */
  callerChannelId: string;
  callerAnswered: boolean;
  /** The caller's signal: their hanging up ends the callee's leg at once. */
  signal: AbortSignal;
  target: DialplanTarget;
  /** The directory entry's name the caller asked for, if they named one. */
  askedFor?: string;
  callerNumber: string;
  callerName: string;
  /** The caller's recorded answer (a WAV file), read to the callee. */
  recording: string | null;
}

export interface AnnouncementResult {
  decision: CalleeDecision;
  /** The callee's leg, still up, when they pressed 1 or 4: connect it, or end it. */
  callee?: CalleeLeg;
  /** From starting to ring the callee to their decision: how long the caller was held. */
  waitedMs: number;
  /** From the callee's answer to the announcement's first audio. */
  firstAudioMs?: number;
}

/**
 * The callee's side of an announced call: holds the caller, rings the destination, tells the
 * callee who is calling ("Call for Alice Johnson from plus one five five five..., who said:"
 * and the caller's own words, then the keys) and takes one key. Only accept and always-allow
 * leave the callee's leg up; every other end hangs it up.
 */
export async function announce(
  deps: AnnouncementDeps,
  req: AnnouncementRequest,
): Promise<AnnouncementResult> {
  const { ari, config, log } = deps;
  const t0 = performance.now();
  const hold = `doorman-hold-${randomUUID()}`;
  await (req.callerAnswered
    ? ari.play(req.callerChannelId, config.announce.hold, hold)
    : ari.ring(req.callerChannelId)
  ).catch((e) => log.warn({ err: e, media: config.announce.hold }, 'could not hold the caller'));
  // Made while the phone rings: the callee hears it the moment they answer.
  const words = announcementWords(req, log);
  words.catch(() => {});
  const callee = new CalleeLeg({
    ari,
    events: deps.events,
    calls: config.calls,
    signal: req.signal,
    log,
    claimChannel: deps.claimChannel,
  });
  const done = (decision: CalleeDecision, extra: Partial<AnnouncementResult> = {}): AnnouncementResult => ({
    decision,
    waitedMs: performance.now() - t0,
    ...extra,
  });
  try {
    const callerId = `"${req.callerName.replace(/["<>]/g, '')}" <${req.callerNumber.replace(/[^0-9+*#]/g, '')}>`;
    const rang = await callee.ring(req.target, callerId, config.announce.ringSeconds);
    if (rang !== 'answered') return done({ none: rang });
    const channel = callee.channel as NonNullable<typeof callee.channel>;
    const tAnswer = performance.now();
    let firstAudioMs: number | undefined;
    try {
      const leg = await channel.openMedia();
      const audio = await words;
      const wait = waitForKey(channel, isCalleeKey, audio.length / 16 + config.announce.keyTimeoutMs);
      try {
        firstAudioMs = performance.now() - tAnswer;
        await leg.play(audio, wait.pressed);
        const key = await wait.key;
        if (key && isCalleeKey(key)) {
          const keep = key === '1' || key === '4';
          if (!keep) await callee.end();
          return done({ key }, { firstAudioMs, ...(keep ? { callee } : {}) });
        }
        await callee.end();
        return done({ none: 'no-key' }, { firstAudioMs });
      } finally {
        wait.stop();
      }
    } catch (e) {
      if (req.signal.aborted) throw e;
      const hungUp = callee.signal.aborted;
      await callee.end();
      if (hungUp) return done({ none: 'hung-up' }, firstAudioMs === undefined ? {} : { firstAudioMs });
      log.warn({ err: e }, 'the announcement failed');
      return done({ none: 'failed' });
    }
  } catch (e) {
    await callee.end();
    throw e;
  } finally {
    if (req.callerAnswered)
      await ari.stopPlayback(hold).catch((e) => isGone(e) || log.debug({ err: e }, 'hold sound not stopped'));
  }
}

/** The announcement as one stretch of 16 kHz audio: who for and from, their words, the keys. */
async function announcementWords(req: AnnouncementRequest, log: Logger): Promise<Int16Array> {
  let said: Int16Array | null = null;
  if (req.recording) {
    try {
      said = wav16k(await readFile(req.recording));
    } catch (e) {
      log.warn({ err: e }, "could not read the caller's recording; announcing without it");
    }
  }
  const intro = await speak(announcementText(req.askedFor, req.callerNumber, req.callerName, !!said));
  const options = await speak(CALLEE_OPTIONS_TEXT);
  const pause = new Int16Array(8_000);
  const parts = [intro, pause, ...(said ? [said, pause] : []), options];
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

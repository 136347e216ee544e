import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EndpointReason } from '../audio/endpointer.js';
import { dbfs, rms } from '../audio/levels.js';
import { pcmFromBytes } from '../audio/wav.js';
import { type AnswerDeps, AnswerListener } from '../challenge/answer.js';
import { choiceOptions, choicePrompt } from '../challenge/choice.js';
import { PromptListener } from '../challenge/prompt-listener.js';
import { answeredRight, expectedAnswer } from '../challenge/questions.js';
import type { Challenge } from '../challenge/setup.js';
import type { Config, Route } from '../config/schema.js';
import { CallGoneError, DoormanError, TimeoutError } from '../errors.js';
import { type CallerNumber, normalizeNumber } from '../match/caller-id.js';
import type { Outcome } from '../match/decide.js';
import type { NameRules } from '../match/name-rules.js';
import type { Check, CheckContext } from '../policy/check.js';
import { allowlistCheck } from '../policy/checks/allowlist.js';
import { blocklistCheck } from '../policy/checks/blocklist.js';
import { bypassCheck } from '../policy/checks/bypass.js';
import { type CheckTrace, runChecks } from '../policy/pipeline.js';
import type { Verdict } from '../policy/verdict.js';
import { speak } from '../speech/tts.js';
import type { DurableWrites } from '../store/durable-writes.js';
import type { PinSets } from '../store/pin-sets.js';
import type { BypassState } from '../store/screening-state.js';
import type { Store } from '../store/store.js';
import { type AriConnection, isGone } from '../telephony/ari.js';
import type { AriEvent, ChannelJson } from '../telephony/ari-types.js';
import { MediaSocket } from '../telephony/media-socket.js';
import type { Cached } from '../util/cached.js';
import { CallLease } from './call-lease.js';
import { EventWaiters } from './event-waiters.js';
import type { LiveEvent, LiveFeed } from './live-feed.js';
import { mediaPrompt } from './media-prompts.js';
import { runPinCheck } from './pin-check.js';
import { playToEnd } from './playback.js';
import type { RecordingStore } from './recordings.js';
import type { Router } from './router.js';

const PRE_CHECKS: Record<string, Check> = {
  bypass: bypassCheck,
  blocklist: blocklistCheck,
  allowlist: allowlistCheck,
};

/** Helper channels Doorman creates carry this prefix, so they are never mistaken for calls. */
export const MEDIA_CHANNEL_PREFIX = 'doorman-media-';
export const BRIDGE_NAME_PREFIX = 'doorman-';

const MEDIA_RATE = 16_000; // slin16
const FRAME_BYTES = 640; // 20 ms of slin16
/**
 * How long the line may send nothing before that time counts as silence. Frames that are late
 * or come in a bunch (a busy machine, network jitter) are not a gap: filling for them put
 * silence into the middle of the answer, which the speech detector then measured the line's
 * noise against.
 */
const LINE_QUIET_MS = 200;

export interface CallFacts {
  channelId: string;
  callerNumber: string;
  callerName: string;
  /** The number dialled (the dialplan extension that ran Stasis). */
  did: string;
  /** The route's key in config: the Stasis argument when a route has that name, else `default`. */
  route: string;
}

export interface HeardAnswer {
  outcome: Outcome;
  /** The directory entry asked for (outcome `match`). */
  entry: string | null;
  /** Entries the answer could not tell apart (outcome `ambiguous`). */
  contenders: string[];
  transcript: string;
  candidates: Array<{ id: string; score: number }>;
  endpoint: EndpointReason;
  /** Audio received from the caller (silence filled in), ms. */
  audioMs: number;
  /** From the first to the last voiced frame, ms. */
  speechMs: number;
  /** Level of the voiced part, dBFS (null when nothing was said). */
  speechDbfs: number | null;
  /** The line's noise floor when listening stopped, dBFS (null on a digitally silent line): a hissing line explains a misheard name. */
  noiseFloorDbfs: number | null;
  /** From the end of the answer to the decision, ms. */
  decisionMs: number;
  /** The recogniser's acoustic fit of the transcript (`challenge.minAcousticFit`), when it gives one. */
  fit?: number;
  /** false: the recogniser left its check out under load, so a name heard was confirmed (`challenge.confirmUnchecked`). */
  checked?: boolean;
  /** Whether the recogniser heard the answer cleaned of line noise (`speech.denoise`), when it cleans any. */
  denoised?: boolean;
  /** How long the answer's last audio waited for the recogniser, ms: a loaded machine shows here first. */
  recognitionLagMs?: number;
  frames: number;
  /** Frames that arrived before chan_websocket's MEDIA_START line. */
  framesBeforeStart: number;
  recording: string | null;
  /** The second question (challenge.secondQuestion), asked after a clear answer. */
  second?: SecondAnswer;
}

export interface SecondAnswer {
  question: string;
  transcript: string;
  /** From asking to the decision on the answer. */
  ms: number;
  /** A person who gave the right answer; true also when the question could not be asked. */
  passed: boolean;
  recording: string | null;
}

export interface CallReport {
  /** The call's row in the call log (`calls.id`). */
  id: string;
  facts: CallFacts;
  outcome: 'routed' | 'hung-up' | 'handed-back' | 'failed';
  verdict: Verdict | null;
  /** Each check's outcome and time, in the order they ran (the challenge last). */
  checks: CheckTrace[];
  answer: HeardAnswer | null;
  /** The label of the PIN the caller entered, set as CHANNEL(accountcode). */
  accountCode: string | null;
  error: string | null;
  timings: {
    /** From entering Stasis to the first prompt starting to play. */
    firstPromptMs?: number;
    answerMs?: number;
    promptMs?: number;
    mediaSetupMs?: number;
    listenMs?: number;
    /** Asking an ambiguous answer's caller to choose, until the key press (or giving up). */
    choiceMs?: number;
    totalMs: number;
  };
}

export interface CallDeps {
  config: Config;
  ari: AriConnection;
  router: Router;
  recordings: RecordingStore;
  challenge: Challenge;
  store: Store;
  /** List writes and the call log, queued locally while the database is down. */
  writes: DurableWrites;
  nameRules: Cached<NameRules>;
  bypass: Cached<BypassState>;
  logger: Logger;
  pins: PinSets;
  /** Where the Live page hears what happens to calls. */
  live: LiveFeed;
  /** Lets the app route events for helper channels (media) to this session. */
  claimChannel: (channelId: string, session: CallSession) => void;
}

interface MediaLeg {
  channelId: string;
  bridgeId: string;
  socket?: MediaSocket;
  channelUp: boolean;
  bridgeUp: boolean;
}

/**
 * One inbound call from StasisStart to the moment it leaves Doorman: answers, asks who the
 * caller wants, listens over external media, and routes. Every path out (routed, caller hung
 * up, error, shutdown) releases the bridge and media channel it made.
 */
export class CallSession {
  readonly facts: CallFacts;
  readonly log: Logger;
  private readonly events = new EventWaiters();
  private readonly abort = new AbortController();
  private readonly route: Route;
  private media: MediaLeg | undefined;
  private readonly t0 = performance.now();
  private readonly startedAt = new Date();
  private firstPromptAt: number | undefined;
  private readonly caller: CallerNumber;
  private left = false;
  private answered = false;
  private readonly lease: CallLease;
  private readonly callId = randomUUID();

  constructor(
    channel: ChannelJson,
    args: string[],
    private readonly deps: CallDeps,
  ) {
    const routeKey = args[0] && args[0] in deps.config.routes ? args[0] : 'default';
    this.facts = {
      channelId: channel.id,
      callerNumber: channel.caller?.number ?? '',
      callerName: channel.caller?.name ?? '',
      did: args[0] ?? channel.dialplan?.exten ?? '',
      route: routeKey,
    };
    this.route = deps.config.routes[routeKey] ?? (deps.config.routes.default as Route);
    this.caller = normalizeNumber(this.facts.callerNumber, deps.config.numbers.defaultCountry);
    this.log = deps.logger.child({ call: channel.id, caller: this.facts.callerNumber, did: this.facts.did });
    this.lease = new CallLease(
      deps.ari,
      channel.id,
      deps.config.calls.leaseSeconds,
      this.log,
      () => this.left,
    );
  }

  get channelId(): string {
    return this.facts.channelId;
  }

  /** Every ARI event about this call's channels and playbacks. */
  onEvent(event: AriEvent): void {
    const id = event.channel?.id;
    if (id === this.channelId && (event.type === 'StasisEnd' || event.type === 'ChannelDestroyed')) {
      this.left = true;
      this.abort.abort(new CallGoneError(this.channelId));
    }
    if (
      id &&
      id === this.media?.channelId &&
      (event.type === 'StasisEnd' || event.type === 'ChannelDestroyed')
    ) {
      this.media.channelUp = false;
    }
    this.events.dispatch(event);
  }

  /** The channel is no longer in Asterisk (it ended while the event socket was down). */
  vanished(): void {
    if (this.left) return;
    this.left = true;
    this.abort.abort(new CallGoneError(this.channelId));
  }

  /** Doorman is shutting down: hand the call back to the dialplan now rather than leave it waiting. */
  async shutdown(): Promise<void> {
    if (this.left) return;
    this.abort.abort(new DoormanError('SHUTDOWN', 'Doorman is stopping'));
  }

  async run(): Promise<CallReport> {
    const timings: CallReport['timings'] = { totalMs: 0 };
    let verdict: Verdict | null = null;
    let answer: HeardAnswer | null = null;
    let checks: CheckTrace[] = [];
    let outcome: CallReport['outcome'] = 'failed';
    let error: string | null = null;
    let accountCode: string | null = null;
    const signal = this.abort.signal;
    this.log.info({ route: this.facts.route, name: this.facts.callerName }, 'call entered Doorman');
    this.publish({
      type: 'started',
      callerNumber: this.facts.callerNumber,
      callerName: this.facts.callerName,
      did: this.facts.did,
      route: this.facts.route,
    });
    this.lease.start();
    try {
      const pre = await this.preChecks();
      checks = pre.trace;
      for (const trace of pre.trace) this.publish({ type: 'check', trace });
      verdict = pre.verdict;
      if (!verdict && this.route.checks.includes('pin')) {
        this.publish({ type: 'step', step: 'asking for a PIN' });
        const pin = await this.pinCheck(signal);
        checks.push(pin.trace);
        this.publish({ type: 'check', trace: pin.trace });
        verdict = pin.verdict;
        accountCode = pin.label;
      }
      if (!verdict && this.route.checks.includes('challenge')) {
        const t0 = performance.now();
        this.publish({ type: 'step', step: 'asking who they want' });
        try {
          answer = await this.challenge(timings, signal);
          verdict = this.verdictFor(answer);
          const { second } = answer;
          if (second) {
            // Shown with the other checks in the screening log; the verdict says only what failed.
            checks.push({
              check: 'second-question',
              result: second.passed ? 'next' : 'route',
              ms: second.ms,
              detail: `"${second.question}": heard "${second.transcript}"${second.passed ? '' : ' (wrong)'}`,
            });
          }
          checks.push({
            check: 'challenge',
            result: 'route',
            ms: Math.round(timings.listenMs ?? 0),
            detail: verdict.reason,
          });
        } catch (e) {
          // A stalled or failed speech engine, a dropped media socket: the caller still gets through.
          const failed = this.checkFailed('challenge', e, t0, signal);
          checks.push(failed.trace);
          this.publish({ type: 'check', trace: failed.trace });
          verdict = failed.verdict;
          await this.closeMedia();
        }
      }
      const failure = [...checks].reverse().find((c) => c.result === 'error' || c.result === 'timeout');
      verdict ??= {
        kind: 'route',
        destination: this.route.unknown,
        reason: failure
          ? `${failure.check} ${failure.result} (fail-open): ${failure.detail}`
          : 'no check decided',
        check: 'default',
      };
      if (accountCode) await this.setAccountCode(accountCode);
      await this.deps.router.carryOut(this.channelId, verdict, this.log, (sound) =>
        this.playPrompt(sound, signal),
      );
      outcome = 'routed';
      // Remember a caller who named someone with a destination here; not one who fell through.
      if (answer && this.entryDestination(answer)) {
        const entry = this.deps.challenge.entries.find((e) => e.id === answer?.entry);
        this.allowlist(
          'screened',
          verdict.destination,
          `challenge (${this.facts.did})`,
          `asked for ${entry?.name ?? answer.entry}: "${answer.transcript}"`,
        );
      }
      if (accountCode && this.route.pin?.allowlist) {
        this.allowlist('pin', verdict.destination, `pin (${this.facts.did})`, `PIN of "${accountCode}"`);
      }
    } catch (e) {
      ({ outcome, error } = await this.recover(e));
    } finally {
      this.lease.stop();
      await this.closeMedia();
      timings.totalMs = performance.now() - this.t0;
      if (this.firstPromptAt !== undefined) timings.firstPromptMs = this.firstPromptAt - this.t0;
    }
    return this.finishReport({ outcome, verdict, checks, answer, error, timings, accountCode });
  }

  /** Answers, asks who they want (again after silence, an ambiguous answer or nobody named), and listens. */
  private async challenge(timings: CallReport['timings'], signal: AbortSignal): Promise<HeardAnswer> {
    let t = performance.now();
    await this.answerOnce();
    timings.answerMs = performance.now() - t;
    let leg: MediaLeg | undefined;
    let answer: HeardAnswer | undefined;
    let askedToChoose = false;
    /** The last answer that was not silence. */
    let said: HeardAnswer | undefined;
    for (let attempt = 0; attempt <= this.route.retries; attempt++) {
      // Media first: a caller who answers over the question is heard, and the question stops.
      if (!leg) {
        t = performance.now();
        leg = await this.openMedia(signal);
        timings.mediaSetupMs = performance.now() - t;
      }
      t = performance.now();
      const overPrompt = this.listenOverPrompt(leg);
      try {
        await this.ask(
          leg,
          attempt === 0 ? this.route.prompt : this.route.retryPrompt,
          signal,
          overPrompt.speaking,
        );
      } finally {
        overPrompt.stop();
      }
      timings.promptMs ??= performance.now() - t;
      if (overPrompt.heard.answered) this.log.info('caller answered over the question');
      t = performance.now();
      // Each attempt keeps its own recording: `<channel>.wav`, then `<channel>-again1.wav`...
      const recordAs = attempt ? `${this.channelId}-again${attempt}` : this.channelId;
      answer = await this.listen(leg, signal, overPrompt.heard.heard(), undefined, recordAs);
      if (answer.outcome !== 'silence') said = answer;
      timings.listenMs = performance.now() - t;
      if (answer.outcome === 'ambiguous' && !askedToChoose) {
        askedToChoose = true;
        t = performance.now();
        const chosen = await this.askToChoose(answer, leg, signal);
        timings.choiceMs = performance.now() - t;
        if (chosen) {
          answer = { ...answer, outcome: 'match', entry: chosen, contenders: [chosen] };
          break;
        }
      }
      const again =
        answer.outcome === 'silence' ||
        answer.outcome === 'ambiguous' ||
        (answer.outcome === 'nomatch' && this.route.retryNomatch);
      if (!again) break;
      if (attempt < this.route.retries) this.log.info({ outcome: answer.outcome, attempt }, 'asking again');
    }
    // Silent when asked again: what they did say is the answer to log and route on.
    if (answer?.outcome === 'silence' && said) answer = said;
    if (answer?.outcome === 'match' && leg && this.deps.challenge.questions.length) {
      answer = { ...answer, second: await this.askSecondQuestion(leg, signal) };
    }
    await this.closeMedia();
    return answer as HeardAnswer;
  }

  /**
   * "Did you mean Ann Lee? Press 1. Or Anne Leigh? Press 2.": names the entries an answer could
   * not tell apart (over the media socket, spoken by flite) and takes a key press. Null when the
   * caller presses nothing useful in time, or the question cannot be spoken.
   */
  private async askToChoose(answer: HeardAnswer, leg: MediaLeg, signal: AbortSignal): Promise<string | null> {
    const options = choiceOptions(answer.contenders, this.deps.challenge.entries);
    const text = choicePrompt(options);
    let audio: Int16Array;
    try {
      audio = await speak(text);
    } catch (e) {
      this.log.warn({ err: e }, 'cannot speak the choice; asking again instead');
      return null;
    }
    const audioMs = audio.length / 16;
    const pressed = this.events.wait(
      (e) =>
        e.type === 'ChannelDtmfReceived' &&
        e.channel?.id === this.channelId &&
        options.some((o) => o.digit === e.digit),
      audioMs + this.deps.config.challenge.choiceTimeoutMs,
      'a key press',
      signal,
    );
    this.log.info({ options: options.map((o) => o.id) }, 'asking the caller to choose');
    // A caller who knows the answer need not hear the other names: a key stops the list.
    const keyPressed = pressed.then(
      () => {},
      () => new Promise<void>(() => {}),
    );
    await this.playOverMedia(leg, audio, signal, keyPressed);
    try {
      const e = await pressed;
      const chosen = options.find((o) => o.digit === e.digit)?.id ?? null;
      this.log.info({ chosen }, 'caller chose');
      return chosen;
    } catch (e) {
      if (signal.aborted) throw e;
      return null;
    }
  }

  private finishReport(r: Omit<CallReport, 'facts' | 'id'>): CallReport {
    const report: CallReport = { id: this.callId, facts: this.facts, ...r };
    this.publish({
      type: 'finished',
      outcome: r.outcome,
      destination: r.verdict?.destination ?? null,
      reason: r.verdict?.reason ?? r.error,
    });
    this.log.info(
      {
        outcome: r.outcome,
        verdict: r.verdict,
        checks: r.checks,
        error: r.error,
        timings: roundAll(r.timings),
      },
      'call left Doorman',
    );
    this.deps.writes
      .write({
        op: 'recordCall',
        call: {
          id: this.callId,
          channel_id: this.channelId,
          started_at: this.startedAt.toISOString(),
          caller_number: this.caller.key,
          caller_raw: this.caller.raw,
          caller_name: this.facts.callerName,
          did: this.facts.did,
          route: this.facts.route,
          outcome: r.outcome,
          destination: r.verdict?.destination ?? null,
          reason: r.verdict?.reason ?? r.error,
          check_name: r.verdict?.check ?? null,
          checks: JSON.stringify(r.checks),
          transcript: r.answer?.transcript ?? null,
          candidates: r.answer ? JSON.stringify(r.answer.candidates) : null,
          recording: r.answer?.recording ?? null,
          question_recording: r.answer?.second?.recording ?? null,
          timings: JSON.stringify(roundAll(r.timings)),
          account_code: r.accountCode,
        },
      })
      .catch((e) => this.log.error({ err: e }, 'could not write the call to the log or its queue'));
    return report;
  }

  /** Bypass, block list, allow list: the checks that decide before the caller is answered. */
  private preChecks() {
    let lists: ReturnType<CheckContext['lists']> | undefined;
    const ctx: CheckContext = {
      caller: this.caller,
      callerName: this.facts.callerName,
      did: this.facts.did,
      route: this.route,
      now: new Date(),
      lists: () => {
        lists ??= this.deps.store.lookup(this.caller.key, this.facts.did).then((r) => {
          // Counting the hit must not hold up the call.
          for (const e of [r.allow, r.block]) {
            if (e) this.deps.writes.write({ op: 'recordHit', id: e.id }).catch(() => {});
          }
          return r;
        });
        return lists;
      },
      bypass: () => this.deps.bypass.get(),
      hasDestination: (name) => name in this.deps.config.destinations,
      nameRule: async () => (await this.deps.nameRules.get()).match(this.facts.callerName),
    };
    const checks = this.route.checks.flatMap((name) => PRE_CHECKS[name] ?? []);
    return runChecks(checks, ctx, this.deps.config.checks.timeoutMs, this.route.onCheckFailure);
  }

  /** A caller who passed (named someone, or knew a PIN) is let through next time without asking. */
  private allowlist(source: 'screened' | 'pin', destination: string, addedBy: string, note: string): void {
    if (this.caller.anonymous) return;
    this.deps.writes
      .write({
        op: 'upsertCaller',
        input: {
          number: this.caller.key,
          rawNumber: this.caller.raw,
          list: 'allow',
          source,
          name: this.facts.callerName || null,
          destination,
          addedBy,
          note,
        },
      })
      .then(() => this.log.info({ destination, source }, 'caller allowlisted'))
      .catch((e) => this.log.warn({ err: e }, 'could not allowlist the caller'));
  }

  /** The PIN's label goes to the CDR as the account code: who called, without the secret. */
  private async setAccountCode(label: string): Promise<void> {
    await this.deps.ari
      .setVariable(this.channelId, 'CHANNEL(accountcode)', label)
      .catch((e) => this.log.warn({ err: e }, 'could not set the account code'));
  }

  /** The `pin` check, traced like the others; a failure to read the PIN set obeys onCheckFailure. */
  private async pinCheck(
    signal: AbortSignal,
  ): Promise<{ verdict: Verdict | null; trace: CheckTrace; label: string | null }> {
    const t0 = performance.now();
    const ms = () => Math.round(performance.now() - t0);
    try {
      const r = await runPinCheck({
        route: this.route,
        config: this.deps.config,
        caller: this.caller,
        pins: this.deps.pins,
        channel: {
          ari: this.deps.ari,
          events: this.events,
          channelId: this.channelId,
          signal,
          promptTimeoutMs: this.deps.config.calls.promptTimeoutMs,
        },
        answer: () => this.answerOnce(),
        log: this.log,
      });
      return {
        verdict: r.verdict,
        label: r.label,
        trace: { check: 'pin', result: 'route', ms: ms(), detail: r.verdict.reason },
      };
    } catch (e) {
      return { ...this.checkFailed('pin', e, t0, signal), label: null };
    }
  }

  /**
   * An interactive check that failed: recorded, then skipped (fail-open), or the call goes to
   * `blocked` on a fail-closed route, as the pipeline does for every other check. The caller
   * hanging up, or Doorman stopping, is not a failure of the check and goes on up.
   */
  private checkFailed(
    check: string,
    e: unknown,
    t0: number,
    signal: AbortSignal,
  ): { verdict: Verdict | null; trace: CheckTrace } {
    if (signal.aborted || this.left || e instanceof CallGoneError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    const result = e instanceof TimeoutError ? 'timeout' : 'error';
    this.log.warn({ err: e, check }, 'check failed');
    const verdict: Verdict | null =
      this.route.onCheckFailure === 'blocked'
        ? {
            kind: 'route',
            destination: this.route.blocked,
            reason: `${check} ${result} (fail-closed): ${detail}`,
            check,
          }
        : null;
    return { verdict, trace: { check, result, ms: Math.round(performance.now() - t0), detail } };
  }

  private publish(e: DistributiveOmit<LiveEvent, 'callId' | 'at'>): void {
    this.deps.live.publish({ ...e, callId: this.callId, at: new Date().toISOString() } as LiveEvent);
  }

  private async answerOnce(): Promise<void> {
    if (this.answered) return;
    await this.deps.ari.answer(this.channelId);
    this.answered = true;
  }

  /** The destination of the entry the caller asked for, if it is one configured here. */
  private entryDestination(a: HeardAnswer): string | null {
    if (a.outcome !== 'match' || !a.entry || a.second?.passed === false) return null;
    const destination = this.deps.challenge.entries.find((e) => e.id === a.entry)?.destination;
    return destination && destination in this.deps.config.destinations ? destination : null;
  }

  /** The challenge's outcome as a verdict: the named entry's destination, or the route's. */
  private verdictFor(a: HeardAnswer): Verdict {
    const check = 'challenge';
    const destination = this.entryDestination(a);
    if (destination) {
      const entry = this.deps.challenge.entries.find((e) => e.id === a.entry);
      return { kind: 'route', destination, reason: `asked for ${entry?.name} ("${a.transcript}")`, check };
    }
    if (a.outcome === 'match' && a.second?.passed === false) {
      return {
        kind: 'route',
        destination: this.route.unknown,
        reason: `asked for ${a.entry}, then answered "${a.second.question}" with "${a.second.transcript}"`,
        check,
      };
    }
    if (a.outcome === 'match')
      this.log.warn({ entry: a.entry }, 'directory entry names no configured destination');
    if (a.outcome === 'machine') {
      return {
        kind: 'route',
        destination: this.route.machine ?? this.route.unknown,
        reason: 'recorded message',
        check,
      };
    }
    const reason =
      a.outcome === 'silence'
        ? 'caller said nothing'
        : a.outcome === 'ambiguous'
          ? a.contenders.length === 1
            ? `did not confirm ${a.contenders[0]} ("${a.transcript}")`
            : `could not tell ${a.contenders.join(' from ')} apart`
          : a.outcome === 'match'
            ? `asked for ${a.entry}, who has no destination here`
            : `named nobody in the directory ("${a.transcript}")`;
    return { kind: 'route', destination: this.route.unknown, reason, check };
  }

  /** Decides what becomes of a call whose screening failed: never leave the caller waiting. */
  private async recover(e: unknown): Promise<{ outcome: CallReport['outcome']; error: string | null }> {
    if (e instanceof CallGoneError || this.left) {
      this.log.info('caller hung up');
      return { outcome: 'hung-up', error: null };
    }
    const why = e instanceof Error ? e.message : String(e);
    this.log.warn({ err: e }, 'screening failed; handing the call back to the dialplan');
    await this.closeMedia();
    try {
      await this.deps.router.handBack(this.channelId, why, this.log);
      return { outcome: 'handed-back', error: why };
    } catch (e2) {
      // Asterisk unreachable: the lease runs out and the dialplan's T extension takes the call.
      this.log.error({ err: e2 }, 'could not hand the call back; the dialplan lease will');
      return { outcome: 'failed', error: why };
    }
  }

  /**
   * "What day of the week is it?": one of the second questions at random, spoken over the media
   * socket (the caller may answer over it), and the answer heard on that question's grammar.
   * A question that cannot be spoken lets the caller through (fail-open), as a failed check does.
   */
  private async askSecondQuestion(leg: MediaLeg, signal: AbortSignal): Promise<SecondAnswer> {
    const { questions } = this.deps.challenge;
    const { question, deps } = questions[
      Math.floor(Math.random() * questions.length)
    ] as (typeof questions)[0];
    const t0 = performance.now();
    let audio: Int16Array;
    try {
      audio = await speak(question.ask);
    } catch (e) {
      this.log.warn({ err: e }, 'cannot speak the second question; letting the caller through');
      return { question: question.ask, transcript: '', passed: true, ms: 0, recording: null };
    }
    this.publish({ type: 'step', step: 'asking the second question' });
    const overPrompt = this.listenOverPrompt(leg);
    try {
      await this.playOverMedia(leg, audio, signal, overPrompt.speaking);
    } finally {
      overPrompt.stop();
    }
    const heard = await this.listen(
      leg,
      signal,
      overPrompt.heard.heard(),
      deps,
      `${this.channelId}-question`,
    );
    const now = new Date();
    const passed = answeredRight(question, heard.outcome === 'match' ? heard.entry : null, now);
    this.log.info(
      { question: question.ask, expected: expectedAnswer(question, now), heard: heard.transcript, passed },
      'second question answered',
    );
    const ms = Math.round(performance.now() - t0);
    return { question: question.ask, transcript: heard.transcript, passed, ms, recording: heard.recording };
  }

  /**
   * Plays the question over the media socket, so the caller is heard while it plays (Asterisk
   * hears nothing from a bridged channel that is playing a sound of its own) and it stops when
   * `stopWhen` resolves. A sound only Asterisk has is played by Asterisk, without barge-in.
   */
  private async ask(
    leg: MediaLeg,
    sound: string,
    signal: AbortSignal,
    stopWhen?: Promise<void>,
  ): Promise<void> {
    const audio = await mediaPrompt(sound);
    if (!audio || !leg.socket) return this.playPrompt(sound, signal);
    this.firstPromptAt ??= performance.now();
    await this.playOverMedia(leg, audio, signal, stopWhen);
  }

  /** Plays 16 kHz audio to the caller over the media socket until it ends or `stopWhen` resolves. */
  private async playOverMedia(
    leg: MediaLeg,
    audio: Int16Array,
    signal: AbortSignal,
    stopWhen?: Promise<void>,
  ): Promise<void> {
    const socket = leg.socket;
    if (!socket) throw new DoormanError('MEDIA_CLOSED', 'no media WebSocket to speak over');
    let stopped = false;
    // Removed after each question: the signal lives as long as the call, which may ask often.
    let onAbort = () => {};
    try {
      await Promise.race([
        socket.play(audio, audio.length / 16 + this.deps.config.calls.promptTimeoutMs),
        stopWhen?.then(() => {
          stopped = true;
        }) ?? new Promise<never>(() => {}),
        new Promise<void>((resolve) => {
          onAbort = resolve;
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    if (stopped) socket.command('FLUSH_MEDIA');
    if (signal.aborted) throw signal.reason;
    if (!socket.open) throw new DoormanError('MEDIA_CLOSED', 'media WebSocket closed while asking');
  }

  private async playPrompt(sound: string, signal: AbortSignal): Promise<void> {
    const timeoutMs = this.deps.config.calls.promptTimeoutMs;
    const p = await playToEnd(this.deps.ari, this.events, this.channelId, sound, timeoutMs, signal, {
      onStarted: () => {
        this.firstPromptAt ??= performance.now();
      },
    });
    if (p?.state === 'failed') {
      this.log.warn({ sound }, 'prompt could not be played (is it installed in Asterisk?)');
    }
  }

  /** Bridge + external-media channel + its WebSocket, in the order Asterisk needs them. */
  private async openMedia(signal: AbortSignal): Promise<MediaLeg> {
    const id = randomUUID();
    const leg: MediaLeg = {
      channelId: `${MEDIA_CHANNEL_PREFIX}${id}`,
      bridgeId: `${BRIDGE_NAME_PREFIX}${id}`,
      channelUp: false,
      bridgeUp: false,
    };
    this.media = leg;
    this.deps.claimChannel(leg.channelId, this);
    const timeout = this.deps.config.calls.mediaTimeoutMs;
    // The media channel enters Stasis only once our WebSocket is connected; listen first.
    const inStasis = this.events.wait(
      (e) => e.type === 'StasisStart' && e.channel?.id === leg.channelId,
      timeout,
      'media channel StasisStart',
      signal,
    );
    const bridge = this.deps.ari
      .createBridge(leg.bridgeId, `${BRIDGE_NAME_PREFIX}${this.channelId}`)
      .then(() => {
        leg.bridgeUp = true;
      });
    bridge.catch(() => {}); // awaited below; must not count as unhandled if externalMedia fails first
    const channel = await this.deps.ari.externalMedia({ channelId: leg.channelId, format: 'slin16' });
    leg.channelUp = true;
    const connectionId = channel.channelvars?.MEDIA_WEBSOCKET_CONNECTION_ID;
    if (!connectionId)
      throw new DoormanError('MEDIA_NO_CONNECTION_ID', 'externalMedia gave no connection id');
    leg.socket = await MediaSocket.connect(this.deps.ari.mediaUrl(connectionId), timeout);
    await Promise.all([inStasis, bridge]);
    await this.deps.ari.addToBridge(leg.bridgeId, [this.channelId, leg.channelId]);
    return leg;
  }

  /** Hears the caller while the question plays (`challenge.bargeInMs`; 0: the question always plays out). */
  private listenOverPrompt(leg: MediaLeg): { heard: PromptListener; speaking: Promise<void>; stop(): void } {
    const cfg = this.deps.config;
    const heard = new PromptListener({
      sampleRate: MEDIA_RATE,
      speechThresholdDbfs: cfg.listen.speechThresholdDbfs,
      noiseMarginDb: cfg.listen.noiseMarginDb,
      bargeInMs: cfg.challenge.bargeInMs || Number.POSITIVE_INFINITY,
      keepBeforeMs: cfg.listen.feedBeforeSpeechMs,
    });
    const socket = leg.socket as MediaSocket;
    const onAudio = (frame: Buffer) => heard.push(frame);
    socket.on('audio', onAudio);
    return {
      heard,
      // Never settles when barge-in is off (an infinite bargeInMs).
      speaking: heard.speaking,
      stop: () => socket.off('audio', onAudio),
    };
  }

  /**
   * Streams the caller's answer into the challenge until it is over, then decides. `early` is
   * what they said over the question (or its last moments), heard before listening began.
   */
  private listen(
    leg: MediaLeg,
    signal: AbortSignal,
    early: Buffer[] = [],
    deps: AnswerDeps = this.deps.challenge.deps,
    recordAs: string = this.channelId,
  ): Promise<HeardAnswer> {
    const socket = leg.socket as MediaSocket;
    const cfg = this.deps.config.listen;
    const listener = new AnswerListener(deps, MEDIA_RATE, signal);
    const frames: Buffer[] = [];
    let received = 0;
    // Wall time up to which the line's audio is accounted for, by frames or by filled silence.
    let accountedAt = performance.now();
    // Audio time drives the endpointer; wall time backs it up when frames stop coming.
    const deadlineMs = cfg.noSpeechTimeoutMs + cfg.maxSpeechMs;
    return new Promise<HeardAnswer>((resolve, reject) => {
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        cleanup();
        this.conclude(listener, frames, received, socket.framesBeforeStart, recordAs).then(resolve, reject);
      };
      const onAudio = (frame: Buffer) => {
        frames.push(frame);
        received++;
        accountedAt = performance.now();
        if (listener.push(frame)) finish();
      };
      const onClose = (why: string) => {
        cleanup();
        reject(new DoormanError('MEDIA_CLOSED', `media WebSocket closed while listening (${why})`));
      };
      const onAbort = () => {
        cleanup();
        reject(signal.reason);
      };
      const timer = setTimeout(finish, deadlineMs);
      // Nothing arrives while the caller's side sends no frames (a Local channel in Wait(), a
      // phone with silence suppression): time with no audio counts as silence. Looked at after
      // the event loop's I/O (setImmediate), so frames that waited out a stall are taken first.
      const fillGap = () => {
        if (finished) return;
        const quietMs = performance.now() - accountedAt;
        if (quietMs < LINE_QUIET_MS) return;
        const n = Math.floor(quietMs / 20);
        accountedAt += n * 20;
        const silence = Buffer.alloc(n * FRAME_BYTES);
        frames.push(silence);
        if (listener.push(silence)) finish();
      };
      const gapFiller = setInterval(() => setImmediate(fillGap), 100);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(gapFiller);
        socket.off('audio', onAudio);
        socket.off('close', onClose);
        signal.removeEventListener('abort', onAbort);
      };
      if (signal.aborted) return onAbort();
      if (!socket.open) return onClose('before listening');
      for (const frame of early) {
        frames.push(frame);
        received++;
        if (listener.push(frame)) return finish();
      }
      socket.on('audio', onAudio);
      socket.on('close', onClose);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async conclude(
    listener: AnswerListener,
    frames: Buffer[],
    received: number,
    framesBeforeStart: number,
    recordAs: string,
  ): Promise<HeardAnswer> {
    const result = await listener.finish();
    const pcm = pcmFromBytes(Buffer.concat(frames));
    const start = (result.speechStartMs * MEDIA_RATE) / 1000;
    const end = Math.min(pcm.length, start + (result.speechMs * MEDIA_RATE) / 1000);
    const level = result.speechMs > 0 ? rms(pcm, start, end) : 0;
    const recording = await this.deps.recordings
      .save(recordAs, { sampleRate: MEDIA_RATE, samples: pcm })
      .catch((e) => {
        this.log.warn({ err: e }, 'could not save the recorded answer');
        return null;
      });
    const answer: HeardAnswer = {
      outcome: result.outcome,
      entry: result.entry,
      contenders: result.contenders,
      transcript: result.transcript,
      candidates: result.candidates.map((c) => ({ id: c.id, score: c.score })),
      endpoint: result.endpoint,
      audioMs: result.audioMs,
      speechMs: result.speechMs,
      speechDbfs: level > 0 ? Math.round(dbfs(level) * 10) / 10 : null,
      noiseFloorDbfs: result.noiseFloorDbfs,
      decisionMs: Math.round(result.decisionMs),
      ...(result.fit === undefined ? {} : { fit: result.fit }),
      ...(result.checked === undefined ? {} : { checked: result.checked }),
      ...(result.denoised === undefined ? {} : { denoised: result.denoised }),
      ...(result.recognitionLagMs === undefined ? {} : { recognitionLagMs: result.recognitionLagMs }),
      frames: received,
      framesBeforeStart,
      recording,
    };
    this.log.info({ answer }, 'answer heard');
    this.publish({
      type: 'heard',
      transcript: answer.transcript,
      outcome: answer.outcome,
      candidates: answer.candidates.slice(0, 3),
    });
    return answer;
  }

  /** Idempotent: safe on every path, including after the caller or Asterisk went away. */
  private async closeMedia(): Promise<void> {
    const leg = this.media;
    if (!leg) return;
    leg.socket?.close();
    const ignoreGone = (what: string) => (e: unknown) => {
      if (!isGone(e)) this.log.warn({ err: e }, `could not ${what}`);
    };
    const steps: Promise<void>[] = [];
    if (leg.bridgeUp) {
      leg.bridgeUp = false;
      steps.push(this.deps.ari.destroyBridge(leg.bridgeId).catch(ignoreGone('destroy the bridge')));
    }
    if (leg.channelUp) {
      leg.channelUp = false;
      steps.push(this.deps.ari.hangup(leg.channelId).catch(ignoreGone('hang up the media channel')));
    }
    await Promise.all(steps);
  }
}

function roundAll(t: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(t)) if (v !== undefined) out[k] = Math.round(v);
  return out;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

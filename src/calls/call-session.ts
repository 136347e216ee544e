import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { runChallenge } from '../challenge/dialogue.js';
import type { HeardAnswer } from '../challenge/heard-answer.js';
import type { Challenge } from '../challenge/setup.js';
import type { CallEvent, ChallengeContext } from '../challenge/steps/context.js';
import { challengeVerdict, entryDestination } from '../challenge/verdict.js';
import type { Config, Route } from '../config/schema.js';
import { CallGoneError, DoormanError } from '../errors.js';
import { type CallerNumber, normalizeNumber } from '../match/caller-id.js';
import type { NameRules } from '../match/name-rules.js';
import { PRE_CHECKS } from '../policy/checks/pre-checks.js';
import { type CheckTrace, checkFailed, runChecks } from '../policy/pipeline.js';
import type { Verdict } from '../policy/verdict.js';
import type { DurableWrites } from '../store/durable-writes.js';
import type { PinSets } from '../store/pin-sets.js';
import type { BypassState } from '../store/screening-state.js';
import type { Store } from '../store/store.js';
import type { AriConnection } from '../telephony/ari.js';
import type { AriEvent, ChannelJson } from '../telephony/ari-types.js';
import type { Cached } from '../util/cached.js';
import { AriCallChannel } from './ari-call-channel.js';
import { CallLease } from './call-lease.js';
import { type CallFacts, type CallReport, callLogRow, roundTimings } from './call-report.js';
import { checkContext } from './check-context.js';
import { EventWaiters } from './event-waiters.js';
import type { LiveEvent, LiveFeed } from './live-feed.js';
import { runPinCheck } from './pin-check.js';
import type { RecordingStore } from './recordings.js';
import type { Router } from './router.js';

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
  private readonly t0 = performance.now();
  private readonly startedAt = new Date();
  private firstPromptAt: number | undefined;
  private readonly caller: CallerNumber;
  private left = false;
  private readonly channel: AriCallChannel;
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
    this.channel = new AriCallChannel({
      ari: deps.ari,
      events: this.events,
      channelId: channel.id,
      signal: this.abort.signal,
      promptTimeoutMs: deps.config.calls.promptTimeoutMs,
      mediaTimeoutMs: deps.config.calls.mediaTimeoutMs,
      log: this.log,
      claimChannel: (id) => deps.claimChannel(id, this),
      onPrompt: () => {
        this.firstPromptAt ??= performance.now();
      },
    });
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
          answer = await runChallenge(this.challengeContext(), timings);
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
          await this.channel.closeMedia();
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
        this.channel.playSound(sound).then(() => {}),
      );
      outcome = 'routed';
      // Remember a caller who named someone with a destination here; not one who fell through.
      if (answer && entryDestination(answer, this.deps.challenge.entries, this.deps.config.destinations)) {
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
      await this.channel.closeMedia();
      timings.totalMs = performance.now() - this.t0;
      if (this.firstPromptAt !== undefined) timings.firstPromptMs = this.firstPromptAt - this.t0;
    }
    return this.finishReport({ outcome, verdict, checks, answer, error, timings, accountCode });
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
        timings: roundTimings(r.timings),
      },
      'call left Doorman',
    );
    this.deps.writes
      .write({
        op: 'recordCall',
        call: callLogRow(report, this.startedAt, this.caller),
      })
      .catch((e) => this.log.error({ err: e }, 'could not write the call to the log or its queue'));
    return report;
  }

  /** Bypass, block list, allow list: the checks that decide before the caller is answered. */
  private preChecks() {
    const ctx = checkContext(this.caller, this.facts, this.route, this.deps);
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
        channel: this.channel,
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
   * An interactive check that failed obeys the route's onCheckFailure as every check does. The
   * caller hanging up, or Doorman stopping, is not a failure of the check and goes on up.
   */
  private checkFailed(check: string, e: unknown, t0: number, signal: AbortSignal) {
    if (signal.aborted || this.left || e instanceof CallGoneError) throw e;
    this.log.warn({ err: e, check }, 'check failed');
    return checkFailed(check, e, t0, this.route.blocked, this.route.onCheckFailure);
  }

  private challengeContext(): ChallengeContext {
    return {
      channel: this.channel,
      config: this.deps.config,
      route: this.route,
      challenge: this.deps.challenge,
      recordings: this.deps.recordings,
      log: this.log,
      publish: (e) => this.publish(e),
    };
  }

  /** The challenge's outcome as a verdict (an entry without a destination here is worth a warning). */
  private verdictFor(a: HeardAnswer): Verdict {
    const { entries } = this.deps.challenge;
    const { destinations } = this.deps.config;
    if (a.outcome === 'match' && a.second?.passed !== false && !entryDestination(a, entries, destinations))
      this.log.warn({ entry: a.entry }, 'directory entry names no configured destination');
    return challengeVerdict(a, this.route, entries, destinations);
  }

  private publish(e: CallEvent): void {
    this.deps.live.publish({ ...e, callId: this.callId, at: new Date().toISOString() } as LiveEvent);
  }

  /** Decides what becomes of a call whose screening failed: never leave the caller waiting. */
  private async recover(e: unknown): Promise<{ outcome: CallReport['outcome']; error: string | null }> {
    if (e instanceof CallGoneError || this.left) {
      this.log.info('caller hung up');
      return { outcome: 'hung-up', error: null };
    }
    const why = e instanceof Error ? e.message : String(e);
    this.log.warn({ err: e }, 'screening failed; handing the call back to the dialplan');
    await this.channel.closeMedia();
    try {
      await this.deps.router.handBack(this.channelId, why, this.log);
      return { outcome: 'handed-back', error: why };
    } catch (e2) {
      // Asterisk unreachable: the lease runs out and the dialplan's T extension takes the call.
      this.log.error({ err: e2 }, 'could not hand the call back; the dialplan lease will');
      return { outcome: 'failed', error: why };
    }
  }
}

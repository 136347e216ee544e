import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallEvent } from '../challenge/steps/context.js';
import type { Route } from '../config/schema.js';
import { CallGoneError, DoormanError } from '../errors.js';
import { type CallerNumber, normalizeNumber } from '../match/caller-id.js';
import { type CheckTrace, fallThroughVerdict, runChecks } from '../policy/pipeline.js';
import type { Verdict } from '../policy/verdict.js';
import type { AriEvent, ChannelJson } from '../telephony/ari-types.js';
import { AfterCall } from './after-call.js';
import { AriCallChannel } from './ari-call-channel.js';
import type { CallDeps } from './call-deps.js';
import { CallLease } from './call-lease.js';
import { type CallFacts, type CallReport, roundTimings } from './call-report.js';
import { stepContext } from './check-context.js';
import { EventWaiters } from './event-waiters.js';
import type { LiveEvent } from './live-feed.js';
import { CALL_STEPS } from './steps/index.js';
import type { StepFindings } from './steps/step-context.js';
import { deliverVerdict } from './verdict-delivery.js';

/**
 * One inbound call from StasisStart to the moment it leaves Doorman: its facts, its abort
 * signal, its lease and channel, and its report. It runs the route's steps (calls/steps/)
 * through the pipeline, routes on the verdict, and leaves the after-call writes behind. Every
 * path out (routed, caller hung up, error, shutdown) releases the bridge and media channel.
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
  private readonly after: AfterCall;
  private readonly callId = randomUUID();
  /** Doorman is stopping: a conversation it bridged is left to go on without it. */
  private readonly stopping = new AbortController();
  /** When an announced caller was bridged to the callee who accepted. */
  private connectedAt: number | undefined;

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
    this.after = new AfterCall(deps.writes, this.caller, this.log);
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
    this.stopping.abort();
    if (this.left) return;
    this.abort.abort(new DoormanError('SHUTDOWN', 'Doorman is stopping'));
  }

  async run(): Promise<CallReport> {
    const timings: CallReport['timings'] = { totalMs: 0 };
    const found: StepFindings = {};
    const checks: CheckTrace[] = [];
    let verdict: Verdict | null = null;
    let outcome: CallReport['outcome'] = 'failed';
    let error: string | null = null;
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
      const trace = (t: CheckTrace) => {
        checks.push(t);
        this.publish({ type: 'check', trace: t });
      };
      const { deps } = this;
      const { config } = deps;
      const ctx = stepContext(this.caller, this.facts, this.route, deps, {
        channel: this.channel,
        log: this.log,
        publish: (e) => this.publish(e),
        timings,
        found,
        trace,
      });
      const ran = await runChecks(
        this.route.checks.map((name) => CALL_STEPS[name]),
        ctx,
        {
          timeoutMs: config.checks.timeoutMs,
          interactiveTimeoutMs: config.checks.interactiveTimeoutMs,
          onFailure: this.route.onCheckFailure,
          signal: this.abort.signal,
          onStep: (step) => step.doing && this.publish({ type: 'step', step: step.doing }),
          onTrace: trace,
        },
      );
      // A step that failed or ran out of time may have left its media leg open.
      await this.channel.closeMedia();
      const delivered = await deliverVerdict(
        {
          deps,
          claimChannel: (id) => deps.claimChannel(id, this),
          events: this.events,
          channel: this.channel,
          ctx,
          after: this.after,
          facts: this.facts,
          log: this.log,
          stopping: this.stopping.signal,
          stopLease: () => this.lease.stop(),
          // A mode that cannot be read is home: calls go where they always went.
          house: await deps.house.get().catch(() => 'home' as const),
        },
        ran.verdict ?? fallThroughVerdict(this.route.unknown, ran.trace),
      );
      verdict = delivered.verdict;
      this.connectedAt = delivered.connectedAt;
      outcome = 'routed';
    } catch (e) {
      ({ outcome, error } = await this.recover(e));
    } finally {
      this.lease.stop();
      await this.channel.closeMedia();
      timings.totalMs = (this.connectedAt ?? performance.now()) - this.t0;
      if (this.firstPromptAt !== undefined) timings.firstPromptMs = this.firstPromptAt - this.t0;
    }
    const answer = found.answer ?? null;
    const accountCode = found.accountCode ?? null;
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
    this.after.record(report, this.startedAt);
    return report;
  }

  private publish(e: CallEvent): void {
    this.deps.live.publish({ ...e, callId: this.callId, at: new Date().toISOString() } as LiveEvent);
  }

  /** What becomes of a call whose screening failed: never leave the caller waiting. */
  private async recover(e: unknown): Promise<{ outcome: CallReport['outcome']; error: string | null }> {
    if (e instanceof CallGoneError || this.left) {
      this.log.info('caller hung up');
      return { outcome: 'hung-up', error: null };
    }
    const why = e instanceof Error ? e.message : String(e);
    this.log.warn({ err: e }, 'screening failed; handing the call back to the dialplan');
    await this.channel.closeMedia();
    return { outcome: await this.deps.router.handBack(this.channelId, why, this.log), error: why };
  }
}

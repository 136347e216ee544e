import type { Logger } from 'pino';
import type { CallerNumber } from '../match/caller-id.js';
import type { DurableWrites } from '../store/durable-writes.js';
import { type CallReport, callLogRow } from './call-report.js';
import type { StepFindings } from './steps/step-context.js';

/**
 * What a call leaves behind once it has left Doorman: the caller allowlisted when a step said
 * they passed, and the call's row in the call log. Both go through the durable write queue, so
 * a database that is down delays them and loses neither.
 */
export class AfterCall {
  constructor(
    private readonly writes: DurableWrites,
    private readonly caller: CallerNumber,
    private readonly log: Logger,
  ) {}

  /** A caller who passed (named someone, or knew a PIN) is let through next time without asking. */
  allowlist(pass: NonNullable<StepFindings['allowlist']>, destination: string, callerName: string): void {
    this.file('allow', pass, destination, callerName);
  }

  /** A caller the person they asked for blocked, off the allow list and on the block list. */
  block(pass: Omit<NonNullable<StepFindings['allowlist']>, 'expiresAt'>, callerName: string): void {
    this.file('block', pass, null, callerName);
  }

  private file(
    list: 'allow' | 'block',
    pass: NonNullable<StepFindings['allowlist']>,
    destination: string | null,
    callerName: string,
  ): void {
    if (this.caller.anonymous) return;
    this.writes
      .write({
        // A block takes the caller off the allow list too; a pass leaves the block list alone.
        op: list === 'block' ? 'fileCaller' : 'upsertCaller',
        input: {
          number: this.caller.key,
          rawNumber: this.caller.raw,
          list,
          source: pass.source,
          name: callerName || null,
          destination,
          addedBy: pass.addedBy,
          note: pass.note,
          expiresAt: pass.expiresAt ?? null,
        },
      })
      .then(() => this.log.info({ list, destination, source: pass.source }, 'caller listed'))
      .catch((e) => this.log.warn({ err: e, list }, 'could not list the caller'));
  }

  record(report: CallReport, startedAt: Date): void {
    this.writes
      .write({ op: 'recordCall', call: callLogRow(report, startedAt, this.caller) })
      .catch((e) => this.log.error({ err: e }, 'could not write the call to the log or its queue'));
  }
}

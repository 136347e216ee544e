import { CallGoneError, TimeoutError } from '../errors.js';
import { withTimeout } from '../util/timeout.js';
import type { Step } from './check.js';
import type { Verdict } from './verdict.js';

export interface CheckTrace {
  check: string;
  result: 'route' | 'next' | 'error' | 'timeout';
  ms: number;
  detail?: string;
}

export interface PipelineOptions {
  /** Deadline of a step that decides without the caller (bypass, the lists). */
  timeoutMs: number;
  /**
   * Deadline of a step that talks with the caller (pin, challenge): the caller sets its pace, so
   * it is longer; its own waits (prompts, keys, transcripts) are bounded inside it as well.
   */
  interactiveTimeoutMs?: number;
  /** A failed step: skip it (`next`, fail-open) or send the call to the route's blocked destination. */
  onFailure?: 'next' | 'blocked';
  /** Aborted when the call ends: a step failing then has not failed as a check; the error goes on up. */
  signal?: AbortSignal;
  /** A step is about to run (the Live page shows what the caller is going through). */
  onStep?: (step: { name: string; doing?: string }) => void;
  /** A step's trace, as soon as it is known. */
  onTrace?: (trace: CheckTrace) => void;
}

/**
 * Runs a route's steps in order; the first verdict wins. Every step, interactive or not, gets
 * a deadline, and one that fails or runs out of time is recorded and skipped (fail-open): it
 * can delay a call, never drop it. A route can choose `onFailure: 'blocked'` instead
 * (fail-closed): the call goes to its blocked destination rather than on unscreened.
 */
export async function runChecks<C extends { route: { blocked: string } }>(
  steps: readonly Step<C>[],
  ctx: C,
  opts: PipelineOptions,
): Promise<{ verdict: Verdict | null; trace: CheckTrace[] }> {
  const trace: CheckTrace[] = [];
  const traced = (t: CheckTrace) => {
    trace.push(t);
    opts.onTrace?.(t);
  };
  for (const step of steps) {
    const t0 = performance.now();
    const ms = step.interactive ? (opts.interactiveTimeoutMs ?? opts.timeoutMs) : opts.timeoutMs;
    opts.onStep?.(step);
    try {
      const r = await withTimeout(step.run(ctx), ms, `check ${step.name}`);
      traced({
        check: step.name,
        result: r.kind,
        ms: round(performance.now() - t0),
        ...(r.kind === 'route' ? { detail: r.reason } : r.detail ? { detail: r.detail } : {}),
      });
      if (r.kind === 'route') return { verdict: r, trace };
    } catch (e) {
      // The caller hanging up, or Doorman stopping, is not a failure of the step.
      if (opts.signal?.aborted || e instanceof CallGoneError) throw e;
      const failed = checkFailed(step.name, e, t0, ctx.route.blocked, opts.onFailure ?? 'next');
      traced(failed.trace);
      if (failed.verdict) return { verdict: failed.verdict, trace };
    }
  }
  return { verdict: null, trace };
}

/**
 * The verdict when no step decided: the route's unknown destination, saying why (the last step
 * that failed open, if one did).
 */
export function fallThroughVerdict(unknown: string, trace: readonly CheckTrace[]): Verdict {
  const failure = [...trace].reverse().find((c) => c.result === 'error' || c.result === 'timeout');
  return {
    kind: 'route',
    destination: unknown,
    reason: failure
      ? `${failure.check} ${failure.result} (fail-open): ${failure.detail}`
      : 'no check decided',
    check: 'default',
  };
}

/** A step that threw or ran out of time: traced, then skipped, or a verdict for `blocked` when it fails closed. */
function checkFailed(
  check: string,
  e: unknown,
  t0: number,
  blocked: string,
  onFailure: 'next' | 'blocked',
): { verdict: Verdict | null; trace: CheckTrace } {
  const result = e instanceof TimeoutError ? 'timeout' : 'error';
  const detail = e instanceof Error ? e.message : String(e);
  const verdict: Verdict | null =
    onFailure === 'blocked'
      ? { kind: 'route', destination: blocked, reason: `${check} ${result} (fail-closed): ${detail}`, check }
      : null;
  return { verdict, trace: { check, result, ms: round(performance.now() - t0), detail } };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

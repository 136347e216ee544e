import { TimeoutError } from '../errors.js';
import { withTimeout } from '../util/timeout.js';
import type { Check, CheckContext } from './check.js';
import type { Verdict } from './verdict.js';

export interface CheckTrace {
  check: string;
  result: 'route' | 'next' | 'error' | 'timeout';
  ms: number;
  detail?: string;
}

/**
 * Runs a route's checks in order; the first verdict wins. A check that fails or runs out of
 * time is recorded and skipped (fail-open): it can delay a call by its timeout, never drop it.
 * A route can choose `onFailure: 'blocked'` instead (fail-closed): the call goes to its blocked
 * destination rather than on unscreened.
 */
export async function runChecks(
  checks: readonly Check[],
  ctx: CheckContext,
  timeoutMs: number,
  onFailure: 'next' | 'blocked' = 'next',
): Promise<{ verdict: Verdict | null; trace: CheckTrace[] }> {
  const trace: CheckTrace[] = [];
  for (const check of checks) {
    const t0 = performance.now();
    try {
      const r = await withTimeout(check.run(ctx), timeoutMs, `check ${check.name}`);
      trace.push({
        check: check.name,
        result: r.kind,
        ms: round(performance.now() - t0),
        ...(r.kind === 'route' ? { detail: r.reason } : {}),
      });
      if (r.kind === 'route') return { verdict: r, trace };
    } catch (e) {
      const failed = checkFailed(check.name, e, t0, ctx.route.blocked, onFailure);
      trace.push(failed.trace);
      if (failed.verdict) return { verdict: failed.verdict, trace };
    }
  }
  return { verdict: null, trace };
}

/**
 * A check that threw or ran out of time, every check alike (the pipeline's and the interactive
 * ones, pin and challenge): traced, then skipped (fail-open), or a verdict for the route's
 * blocked destination when it fails closed.
 */
export function checkFailed(
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

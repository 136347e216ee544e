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
      const result = e instanceof TimeoutError ? 'timeout' : 'error';
      const detail = e instanceof Error ? e.message : String(e);
      trace.push({ check: check.name, result, ms: round(performance.now() - t0), detail });
      if (onFailure === 'blocked') {
        return {
          verdict: {
            kind: 'route',
            destination: ctx.route.blocked,
            reason: `${check.name} ${result} (fail-closed): ${detail}`,
            check: check.name,
          },
          trace,
        };
      }
    }
  }
  return { verdict: null, trace };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

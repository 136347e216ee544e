import type { CallerNumber } from '../match/caller-id.js';
import type { NameRule } from '../match/name-rules.js';
import type { NumberRule } from '../match/number-rules.js';
import type { Attestation, AttestationLevel } from './attestation.js';
import type { Flooded } from './call-rate.js';
import type { BypassState } from './checks/bypass.js';
import type { CheckResult, Verdict } from './verdict.js';

export interface ListEntry {
  id: string;
  destination: string | null;
  name: string | null;
  /** Who listed the caller (policy/announce.ts: a person's choice is not announced again). */
  source?: string;
}

/** What the checks may ask about a call; every answer may come from a database that is down. */
export interface CheckContext {
  caller: CallerNumber;
  callerName: string;
  did: string;
  /** The route's destinations. */
  route: {
    unknown: string;
    blocked: string;
    blockAnonymous: boolean;
    flooded?: string | undefined;
    /** Allowlisted numbers pass straight through only with a verified attestation this good (`off`: always). */
    allowlistAttestation?: 'off' | AttestationLevel | undefined;
  };
  now: Date;
  /** The caller's allow and block entries (one lookup per call, shared by the checks). */
  lists(): Promise<{ allow?: ListEntry; block?: ListEntry }>;
  /** The caller-ID name rule of that list the caller's name matches, if any. */
  nameRule(list: 'allow' | 'block'): Promise<NameRule | null>;
  /** The prefix, range or neighbour rule of that list covering the caller's number, if any. */
  numberRule(list: 'allow' | 'block'): Promise<NumberRule | null>;
  /** Screening switched off, or bypassed until a time. */
  bypass(): Promise<BypassState>;
  /** Counts this call against the flood limits (`floods`); which one it is over, if any. */
  flooded(): Flooded;
  /** Known destination names. */
  hasDestination(name: string): boolean;
  /** What Asterisk verified of the call's STIR/SHAKEN Identity header (none read: missing). */
  attestation?(): Promise<Attestation>;
  /** How old the local copy was, when answers came from it (the shared database did not answer). */
  copyAgeMs?(): number | undefined;
}

/**
 * One step of a route's screening, run by the pipeline (policy/pipeline.ts), which gives it its
 * deadline and handles its failure. `C` is what the step may ask about the call.
 */
export interface Step<C> {
  /** The name a route lists it under, and the screening log shows. */
  readonly name: string;
  /** It talks with the caller (answers the call), so it gets the longer, interactive deadline. */
  readonly interactive?: boolean;
  /** What the caller is going through meanwhile, for the Live page ("asking for a PIN"). */
  readonly doing?: string;
  run(ctx: C): Promise<CheckResult>;
}

/** A check that decides before the caller is answered. Pure decisions over the context; I/O only through it. */
export type Check = Step<CheckContext>;

/**
 * A list check's verdict, whatever put the caller on the list (an entry of their own, a number
 * rule, a name rule): that one's destination when it names one that exists here, else the
 * route's (`fallback`).
 */
export function listVerdict(
  check: 'blocklist' | 'allowlist',
  own: { destination?: string | null },
  fallback: string,
  reason: string,
  ctx: CheckContext,
): Verdict {
  const destination = own.destination && ctx.hasDestination(own.destination) ? own.destination : fallback;
  const age = ctx.copyAgeMs?.();
  const from = age === undefined ? '' : ` (read from the local copy, ${Math.round(age / 1000)} s old)`;
  return { kind: 'route', destination, reason: `${reason}${from}`, check };
}

/** The reason a number rule gives for a caller it covers. */
export const coveredBy = (rule: NumberRule, ctx: CheckContext): string =>
  `${ctx.caller.key} is covered by ${rule.list} rule ${rule.kind} ${rule.pattern}`;

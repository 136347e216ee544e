import type { CallerNumber } from '../match/caller-id.js';
import type { BypassState } from './checks/bypass.js';
import type { CheckResult } from './verdict.js';

export interface ListEntry {
  id: string;
  destination: string | null;
  name: string | null;
}

/** What the checks may ask about a call; every answer may come from a database that is down. */
export interface CheckContext {
  caller: CallerNumber;
  callerName: string;
  did: string;
  /** The route's destinations. */
  route: { unknown: string; blocked: string; blockAnonymous: boolean };
  now: Date;
  /** The caller's allow and block entries (one lookup per call, shared by the checks). */
  lists(): Promise<{ allow?: ListEntry; block?: ListEntry }>;
  /** The caller-ID name rule the caller's name matches, if any. */
  nameRule(): Promise<{ id: string; pattern: string } | null>;
  /** Screening switched off, or bypassed until a time. */
  bypass(): Promise<BypassState>;
  /** Known destination names. */
  hasDestination(name: string): boolean;
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

/** A list entry's own destination when it names one that exists here, else the route's. */
export const destinationOf = (entry: ListEntry, fallback: string, ctx: CheckContext): string =>
  entry.destination && ctx.hasDestination(entry.destination) ? entry.destination : fallback;

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

/** One step of a route's screening. Pure decisions over the context; I/O only through it. */
export interface Check {
  readonly name: string;
  run(ctx: CheckContext): Promise<CheckResult>;
}

/** A list entry's own destination when it names one that exists here, else the route's. */
export const destinationOf = (entry: ListEntry, fallback: string, ctx: CheckContext): string =>
  entry.destination && ctx.hasDestination(entry.destination) ? entry.destination : fallback;

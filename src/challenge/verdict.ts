import { isDestination } from '../config/destinations.js';
import type { Route } from '../config/schema.js';
import type { DirectoryEntry } from '../match/directory.js';
import type { Verdict } from '../policy/verdict.js';
import type { HeardAnswer } from './heard-answer.js';

/** The destination of the entry the caller asked for, if it is one configured here. */
export function entryDestination(
  a: HeardAnswer,
  entries: readonly DirectoryEntry[],
  destinations: Readonly<Record<string, unknown>>,
): string | null {
  if (a.outcome !== 'match' || !a.entry || a.second?.passed === false) return null;
  const destination = entries.find((e) => e.id === a.entry)?.destination;
  return destination && isDestination(destinations, destination) ? destination : null;
}

/** The challenge's outcome as a verdict: the named entry's destination, or the route's. */
export function challengeVerdict(
  a: HeardAnswer,
  route: Route,
  entries: readonly DirectoryEntry[],
  destinations: Readonly<Record<string, unknown>>,
): Verdict {
  const check = 'challenge';
  const destination = entryDestination(a, entries, destinations);
  if (destination) {
    const entry = entries.find((e) => e.id === a.entry);
    return { kind: 'route', destination, reason: `asked for ${entry?.name} ("${a.transcript}")`, check };
  }
  if (a.outcome === 'match' && a.second?.passed === false) {
    return {
      kind: 'route',
      destination: route.unknown,
      reason: `asked for ${a.entry}, then answered "${a.second.question}" with "${a.second.transcript}"`,
      check,
    };
  }
  if (a.outcome === 'machine') {
    return { kind: 'route', destination: route.machine ?? route.unknown, reason: 'recorded message', check };
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
  return { kind: 'route', destination: route.unknown, reason, check };
}

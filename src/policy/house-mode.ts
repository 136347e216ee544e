import type { HouseBehaviour, HouseModeName } from '../config/sections/house.js';
import type { Verdict } from './verdict.js';

/** What the lists turned away (or held back, or took for a machine) stays where it was sent. */
const KEPT_CHECKS = new Set(['blocklist', 'flood']);

/**
 * A verdict under the house mode: a caller who passed screening goes to the mode's destination
 * (voicemail for everyone while away) instead of their own; callers turned away, and machines,
 * go where they were sent.
 */
export function underHouseMode(
  verdict: Verdict,
  mode: HouseModeName,
  behaviour: HouseBehaviour,
  route: { blocked: string; flooded?: string | undefined; machine?: string | undefined },
): Verdict {
  const to = behaviour.destination;
  if (!to || to === verdict.destination) return verdict;
  if (KEPT_CHECKS.has(verdict.check ?? '')) return verdict;
  if ([route.blocked, route.flooded, route.machine].includes(verdict.destination)) return verdict;
  return { ...verdict, destination: to, reason: `${verdict.reason}; ${mode}: to ${to}` };
}

/** What a mode changes, in words for the CLI and the Settings page. */
export function describeHouseMode(behaviour: HouseBehaviour): string {
  const to = behaviour.destination
    ? `callers who pass go to ${behaviour.destination}`
    : 'callers who pass go to their own destination';
  return behaviour.announce ? `${to}; announced: ${behaviour.announce}` : to;
}

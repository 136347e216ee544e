import { randomUUID } from 'node:crypto';

/**
 * Ids of what Doorman makes in Asterisk for a call (media legs and their bridges, callees rung,
 * the bridge that connects a callee): a prefix, a UUID and the app that made it. Two Doormans
 * on one Asterisk (`ari.secondApp`) each sweep only their own leftovers, and the other's only
 * where they are plainly left over (`DoormanApp.sweep`).
 */
export function helperId(prefix: string, app: string): string {
  return `${prefix}${randomUUID()}.${app}`;
}

const TAGGED = /^doorman-(?:[a-z]+-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(.+)$/;

/** The app that made a helper, or null for an id without one (made before ids carried it). */
export function helperApp(id: string): string | null {
  return TAGGED.exec(id)?.[1] ?? null;
}

import type { BypassState } from '../policy/checks/bypass.js';
import type { Store } from './store.js';

export type { BypassState };

/** Screening on/off and timed bypass, as kept in the settings table. */
export async function readBypass(store: Store): Promise<BypassState> {
  const [off, until] = await Promise.all([store.getSetting('screening'), store.getSetting('bypass_until')]);
  const t = until ? new Date(until) : null;
  return { off: off === 'off', until: t && !Number.isNaN(t.getTime()) ? t : null };
}

export async function setScreening(store: Store, on: boolean): Promise<void> {
  await store.setSetting('screening', on ? 'on' : 'off');
}

/** Lets every call through unscreened for `minutes` (0 ends a bypass). */
export async function setBypassFor(store: Store, minutes: number, now = new Date()): Promise<Date | null> {
  const until = minutes > 0 ? new Date(now.getTime() + minutes * 60_000) : null;
  await store.setSetting('bypass_until', until ? until.toISOString() : '');
  return until;
}

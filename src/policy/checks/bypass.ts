import type { Check } from '../check.js';

/** Screening switched off, and the end of a timed bypass (if one was ever set). */
export interface BypassState {
  off: boolean;
  until: Date | null;
}

/** The end of a timed bypass still running at `now`, else null. */
export const bypassEnd = (s: BypassState, now: Date): Date | null =>
  s.until && s.until > now ? s.until : null;

/** Calls go through unscreened: screening is off, or a timed bypass is running. */
export const isBypassed = (s: BypassState, now: Date): boolean => s.off || bypassEnd(s, now) !== null;

/** Screening off (or off until a time): every caller goes to the route's unknown destination unscreened. */
export const bypassCheck: Check = {
  name: 'bypass',
  async run(ctx) {
    const b = await ctx.bypass();
    if (b.off)
      return { kind: 'route', destination: ctx.route.unknown, reason: 'screening is off', check: 'bypass' };
    const until = bypassEnd(b, ctx.now);
    if (until) {
      return {
        kind: 'route',
        destination: ctx.route.unknown,
        reason: `screening bypassed until ${until.toISOString()}`,
        check: 'bypass',
      };
    }
    return { kind: 'next' };
  },
};

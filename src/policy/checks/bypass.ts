import type { Check } from '../check.js';

/** Screening off (or off until a time): every caller goes to the route's unknown destination unscreened. */
export const bypassCheck: Check = {
  name: 'bypass',
  async run(ctx) {
    const b = await ctx.bypass();
    if (b.off)
      return { kind: 'route', destination: ctx.route.unknown, reason: 'screening is off', check: 'bypass' };
    if (b.until && b.until > ctx.now) {
      return {
        kind: 'route',
        destination: ctx.route.unknown,
        reason: `screening bypassed until ${b.until.toISOString()}`,
        check: 'bypass',
      };
    }
    return { kind: 'next' };
  },
};

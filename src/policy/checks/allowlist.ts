import type { Check } from '../check.js';

/** Callers on the allow list go straight to their own destination. */
export const allowlistCheck: Check = {
  name: 'allowlist',
  async run(ctx) {
    if (ctx.caller.anonymous) return { kind: 'next' };
    const { allow } = await ctx.lists();
    if (!allow) return { kind: 'next' };
    const destination =
      allow.destination && ctx.hasDestination(allow.destination) ? allow.destination : ctx.route.unknown;
    return {
      kind: 'route',
      destination,
      reason: `${ctx.caller.key} is on the allow list`,
      check: 'allowlist',
    };
  },
};

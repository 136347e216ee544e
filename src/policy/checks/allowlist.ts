import { type Check, destinationOf, ruleVerdict } from '../check.js';

/** Callers on the allow list go straight to their own destination. */
export const allowlistCheck: Check = {
  name: 'allowlist',
  async run(ctx) {
    if (ctx.caller.anonymous) return { kind: 'next' };
    const { allow } = await ctx.lists();
    if (!allow) {
      const covering = await ctx.numberRule('allow');
      if (covering) return ruleVerdict(covering, ctx.route.unknown, ctx);
      // Caller-ID names are easy to forge: an allow-by-name rule trusts whoever sends that name.
      const named = ctx.callerName ? await ctx.nameRule('allow') : null;
      if (!named) return { kind: 'next' };
      return {
        kind: 'route',
        destination: destinationOf({ destination: named.destination ?? null }, ctx.route.unknown, ctx),
        reason: `caller name matches allow rule "${named.pattern}"`,
        check: 'allowlist',
      };
    }
    const destination = destinationOf(allow, ctx.route.unknown, ctx);
    return {
      kind: 'route',
      destination,
      reason: `${ctx.caller.key} is on the allow list`,
      check: 'allowlist',
    };
  },
};

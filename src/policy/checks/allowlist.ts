import { type Check, destinationOf, ruleVerdict } from '../check.js';

/** Callers on the allow list go straight to their own destination. */
export const allowlistCheck: Check = {
  name: 'allowlist',
  async run(ctx) {
    if (ctx.caller.anonymous) return { kind: 'next' };
    const { allow } = await ctx.lists();
    if (!allow) {
      const covering = await ctx.numberRule('allow');
      return covering ? ruleVerdict(covering, ctx.route.unknown, ctx) : { kind: 'next' };
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

import { type Check, destinationOf, ruleVerdict } from '../check.js';

/** Numbers on the block list, caller-ID names matching a name rule, and withheld numbers where the route blocks them. */
export const blocklistCheck: Check = {
  name: 'blocklist',
  async run(ctx) {
    if (ctx.caller.anonymous && ctx.route.blockAnonymous) {
      return { kind: 'route', destination: ctx.route.blocked, reason: 'number withheld', check: 'blocklist' };
    }
    const rule = ctx.callerName ? await ctx.nameRule('block') : null;
    if (rule) {
      return {
        kind: 'route',
        destination: destinationOf({ destination: rule.destination ?? null }, ctx.route.blocked, ctx),
        reason: `caller name matches rule "${rule.pattern}"`,
        check: 'blocklist',
      };
    }
    if (ctx.caller.anonymous) return { kind: 'next' };
    const { block, allow } = await ctx.lists();
    if (!block) {
      // A number on the allow list by itself is more particular than a rule over many.
      const covering = allow ? null : await ctx.numberRule('block');
      return covering ? ruleVerdict(covering, ctx.route.blocked, ctx) : { kind: 'next' };
    }
    const destination = destinationOf(block, ctx.route.blocked, ctx);
    return {
      kind: 'route',
      destination,
      reason: `${ctx.caller.key} is on the block list`,
      check: 'blocklist',
    };
  },
};

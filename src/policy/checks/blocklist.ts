import { type Check, destinationOf } from '../check.js';

/** Numbers on the block list, caller-ID names matching a name rule, and withheld numbers where the route blocks them. */
export const blocklistCheck: Check = {
  name: 'blocklist',
  async run(ctx) {
    if (ctx.caller.anonymous && ctx.route.blockAnonymous) {
      return { kind: 'route', destination: ctx.route.blocked, reason: 'number withheld', check: 'blocklist' };
    }
    const rule = ctx.callerName ? await ctx.nameRule() : null;
    if (rule) {
      return {
        kind: 'route',
        destination: ctx.route.blocked,
        reason: `caller name matches rule "${rule.pattern}"`,
        check: 'blocklist',
      };
    }
    if (ctx.caller.anonymous) return { kind: 'next' };
    const { block } = await ctx.lists();
    if (!block) return { kind: 'next' };
    const destination = destinationOf(block, ctx.route.blocked, ctx);
    return {
      kind: 'route',
      destination,
      reason: `${ctx.caller.key} is on the block list`,
      check: 'blocklist',
    };
  },
};

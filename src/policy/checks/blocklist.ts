import { type Check, coveredBy, listVerdict } from '../check.js';

/** Numbers on the block list, caller-ID names matching a name rule, and withheld numbers where the route blocks them. */
export const blocklistCheck: Check = {
  name: 'blocklist',
  async run(ctx) {
    if (ctx.caller.anonymous && ctx.route.blockAnonymous) {
      return { kind: 'route', destination: ctx.route.blocked, reason: 'number withheld', check: 'blocklist' };
    }
    const blocked = ctx.route.blocked;
    const rule = ctx.callerName ? await ctx.nameRule('block') : null;
    if (rule)
      return listVerdict('blocklist', rule, blocked, `caller name matches rule "${rule.pattern}"`, ctx);
    if (ctx.caller.anonymous) return { kind: 'next' };
    const { block, allow } = await ctx.lists();
    if (block) return listVerdict('blocklist', block, blocked, `${ctx.caller.key} is on the block list`, ctx);
    // A number on the allow list by itself is more particular than a rule over many.
    const covering = allow ? null : await ctx.numberRule('block');
    return covering
      ? listVerdict('blocklist', covering, blocked, coveredBy(covering, ctx), ctx)
      : { kind: 'next' };
  },
};

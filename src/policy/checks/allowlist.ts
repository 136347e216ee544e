import { type Check, coveredBy, listVerdict } from '../check.js';

/** Callers on the allow list, or covered by an allow number or name rule, go straight to their destination. */
export const allowlistCheck: Check = {
  name: 'allowlist',
  async run(ctx) {
    if (ctx.caller.anonymous) return { kind: 'next' };
    const unknown = ctx.route.unknown;
    const { allow } = await ctx.lists();
    if (allow) return listVerdict('allowlist', allow, unknown, `${ctx.caller.key} is on the allow list`, ctx);
    const covering = await ctx.numberRule('allow');
    if (covering) return listVerdict('allowlist', covering, unknown, coveredBy(covering, ctx), ctx);
    // Caller-ID names are easy to forge: an allow-by-name rule trusts whoever sends that name.
    const named = ctx.callerName ? await ctx.nameRule('allow') : null;
    if (!named) return { kind: 'next' };
    return listVerdict('allowlist', named, unknown, `caller name matches allow rule "${named.pattern}"`, ctx);
  },
};

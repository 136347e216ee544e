import type { Check } from '../check.js';

/** Numbers on the block list, and withheld numbers where the route blocks them. */
export const blocklistCheck: Check = {
  name: 'blocklist',
  async run(ctx) {
    if (ctx.caller.anonymous) {
      return ctx.route.blockAnonymous
        ? { kind: 'route', destination: ctx.route.blocked, reason: 'number withheld', check: 'blocklist' }
        : { kind: 'next' };
    }
    const { block } = await ctx.lists();
    if (!block) return { kind: 'next' };
    const destination =
      block.destination && ctx.hasDestination(block.destination) ? block.destination : ctx.route.blocked;
    return {
      kind: 'route',
      destination,
      reason: `${ctx.caller.key} is on the block list`,
      check: 'blocklist',
    };
  },
};

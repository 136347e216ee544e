import type { Check } from '../check.js';

/**
 * A number calling again and again, or more calls at once than the screen can take: the call
 * goes to the route's `flooded` destination (busy, voicemail, the SIT tone) without a question.
 */
export const floodCheck: Check = {
  name: 'flood',
  async run(ctx) {
    const f = ctx.flooded();
    if (!f) return { kind: 'next' };
    const reason =
      f.by === 'number'
        ? `${ctx.caller.key} called ${f.calls} times within ${f.window} (limit ${f.limit})`
        : `${f.calls} calls within ${f.window} (limit ${f.limit})`;
    return { kind: 'route', destination: ctx.route.flooded ?? ctx.route.blocked, reason, check: 'flood' };
  },
};

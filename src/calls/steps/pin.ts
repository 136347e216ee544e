import type { Verdict } from '../../policy/verdict.js';
import { askForPin } from '../pin-dialogue.js';
import type { CallStep } from './step-context.js';

/**
 * The `pin` step: a caller who enters a PIN of the route's set goes to the route's PIN
 * destination, labelled with the PIN's label; wrong PINs (or a number locked out by earlier
 * ones) go to `blocked`; a caller who types nothing goes to `unknown`. Throws when the PIN set
 * cannot be read, so the route's onCheckFailure decides, as for every step.
 */
export const pinStep: CallStep = {
  name: 'pin',
  interactive: true,
  doing: 'asking for a PIN',
  async run(ctx) {
    const { route, caller, pins, log } = ctx;
    const rules = route.pin;
    if (!rules) throw new Error('route has no pin settings'); // the config schema refuses this
    const to = (destination: string, reason: string): Verdict => ({
      kind: 'route',
      destination,
      reason,
      check: 'pin',
    });
    const policy = {
      failures: ctx.config.pins.lockoutFailures,
      windowMinutes: ctx.config.pins.lockoutWindowMinutes,
    };
    const lockKey = caller.key;
    const until = await pins.lockedUntil(lockKey, policy);
    if (until) {
      log.warn({ until }, 'caller is locked out after wrong PINs');
      return to(route.blocked, `locked out after wrong PINs until ${until.toISOString()}`);
    }
    await ctx.channel.answer();
    const outcome = await askForPin(
      ctx.channel,
      rules,
      {
        verify: (digits) => pins.labelFor(rules.set, digits),
        wrong: async () => {
          await pins.recordFailure(lockKey);
          return (await pins.lockedUntil(lockKey, policy)) !== null;
        },
      },
      (end, attempt) => log.info({ end, attempt }, 'PIN entered'),
    );
    if (outcome.kind === 'accepted') {
      await pins.clearFailures(lockKey).catch((e) => log.warn({ err: e }, 'could not clear PIN failures'));
      ctx.found.accountCode = outcome.value;
      if (rules.allowlist) {
        ctx.found.allowlist = {
          source: 'pin',
          addedBy: `pin (${ctx.did})`,
          note: `PIN of "${outcome.value}"`,
        };
      }
      return to(rules.destination ?? route.unknown, `PIN of "${outcome.value}" (set ${rules.set})`);
    }
    if (outcome.kind === 'rejected') {
      return to(
        route.blocked,
        outcome.locked
          ? `${outcome.wrong} wrong PIN(s); number now locked out`
          : `${outcome.wrong} wrong PIN(s) in ${outcome.attempts} attempts`,
      );
    }
    return to(route.unknown, 'no PIN entered');
  },
};

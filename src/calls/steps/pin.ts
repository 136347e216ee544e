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
    const setKey = `set:${rules.set}`;
    const setPolicy = { ...policy, failures: ctx.config.pins.setLockoutFailures };
    const until = await pins.lockedUntil(lockKey, policy);
    if (until) {
      log.warn({ until }, 'caller is locked out after wrong PINs');
      return to(route.blocked, `locked out after wrong PINs until ${until.toISOString()}`);
    }
    const setUntil = await pins.lockedUntil(setKey, setPolicy);
    if (setUntil) {
      // Someone is guessing from many numbers: nobody is asked, nobody is blocked for it.
      log.error({ set: rules.set, until: setUntil }, 'PIN set locked: too many wrong PINs from any numbers');
      return to(
        route.unknown,
        `PIN set ${rules.set} locked after ${setPolicy.failures} wrong PINs from any numbers, until ${setUntil.toISOString()}`,
      );
    }
    await ctx.channel.answer();
    const outcome = await askForPin(
      ctx.channel,
      rules,
      {
        verify: (digits) => pins.labelFor(rules.set, digits),
        wrong: async () => {
          await pins.recordFailure(lockKey);
          await pins.recordFailure(setKey);
          return (
            (await pins.lockedUntil(lockKey, policy)) !== null ||
            (await pins.lockedUntil(setKey, setPolicy)) !== null
          );
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
          ? `${outcome.wrong} wrong PIN(s); now locked out`
          : `${outcome.wrong} wrong PIN(s) in ${outcome.attempts} attempts`,
      );
    }
    return to(route.unknown, 'no PIN entered');
  },
};

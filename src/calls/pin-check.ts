import type { Logger } from 'pino';
import type { Config, Route } from '../config/schema.js';
import type { CallerNumber } from '../match/caller-id.js';
import type { Verdict } from '../policy/verdict.js';
import type { PinSets } from '../store/pin-sets.js';
import type { CallChannel } from './call-channel.js';
import { askForPin, type PinChannel } from './pin-dialogue.js';

export interface PinCheckResult {
  verdict: Verdict;
  /** The label of the PIN entered (set as CHANNEL(accountcode)). */
  label: string | null;
  attempts: number;
}

/**
 * The `pin` check: a caller who enters a PIN of the route's set goes to the route's PIN
 * destination, labelled with the PIN's label; wrong PINs (or a number locked out by earlier
 * ones) go to `blocked`; a caller who types nothing goes to `unknown`. Throws when the PIN set
 * cannot be read, so the route's onCheckFailure decides, as for every check.
 */
export async function runPinCheck(opts: {
  route: Route;
  config: Config;
  caller: CallerNumber;
  pins: PinSets;
  /** The PIN dialogue's prompts and keys, and the answer before it. */
  channel: PinChannel & Pick<CallChannel, 'answer'>;
  log: Logger;
}): Promise<PinCheckResult> {
  const { route, caller, pins, log } = opts;
  const rules = route.pin;
  if (!rules) throw new Error('route has no pin settings'); // the config schema refuses this
  const check = 'pin';
  const policy = {
    failures: opts.config.pins.lockoutFailures,
    windowMinutes: opts.config.pins.lockoutWindowMinutes,
  };
  const lockKey = caller.key;
  const until = await pins.lockedUntil(lockKey, policy);
  if (until) {
    log.warn({ until }, 'caller is locked out after wrong PINs');
    return {
      verdict: {
        kind: 'route',
        destination: route.blocked,
        reason: `locked out after wrong PINs until ${until.toISOString()}`,
        check,
      },
      label: null,
      attempts: 0,
    };
  }
  await opts.channel.answer();
  const outcome = await askForPin(
    opts.channel,
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
    return {
      verdict: {
        kind: 'route',
        destination: rules.destination ?? route.unknown,
        reason: `PIN of "${outcome.value}" (set ${rules.set})`,
        check,
      },
      label: outcome.value,
      attempts: outcome.attempts,
    };
  }
  if (outcome.kind === 'rejected') {
    return {
      verdict: {
        kind: 'route',
        destination: route.blocked,
        reason: outcome.locked
          ? `${outcome.wrong} wrong PIN(s); number now locked out`
          : `${outcome.wrong} wrong PIN(s) in ${outcome.attempts} attempts`,
        check,
      },
      label: null,
      attempts: outcome.attempts,
    };
  }
  return {
    verdict: { kind: 'route', destination: route.unknown, reason: 'no PIN entered', check },
    label: null,
    attempts: outcome.attempts,
  };
}

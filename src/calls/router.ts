import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { DoormanError } from '../errors.js';
import type { Verdict } from '../policy/verdict.js';
import type { AriConnection } from '../telephony/ari.js';

/** The lease variable the dialplan sets before Stasis(); see docker/asterisk/extensions.conf. */
export const LEASE_VARIABLE = 'TIMEOUT(absolute)';
/** Three rising tones that tell autodiallers the number is not in service (prompts/sit.wav). */
export const SIT_TONE = 'doorman/sit';

/** The only place a verdict turns into an Asterisk action. */
export class Router {
  constructor(
    private readonly ari: AriConnection,
    private readonly destinations: Config['destinations'],
  ) {}

  /**
   * `play` plays a prompt to the caller and resolves when it has finished (for the SIT tone);
   * `accountCode` (a PIN's label) goes to the CDR: who called, without the secret; `variables`
   * (dialplan-variables.ts) and a new caller-ID name are set on a call that continues in the
   * dialplan, for the destination to read.
   */
  async carryOut(
    channelId: string,
    verdict: Verdict,
    log: Logger,
    opts: {
      play?: (sound: string) => Promise<void>;
      accountCode?: string;
      variables?: Record<string, string>;
      callerName?: string | null;
    } = {},
  ): Promise<void> {
    const target = this.destinations[verdict.destination];
    if (!target) {
      throw new DoormanError('UNKNOWN_DESTINATION', `no destination named "${verdict.destination}"`, {
        verdict,
      });
    }
    const { play, accountCode } = opts;
    if (accountCode) {
      await this.ari
        .setVariable(channelId, 'CHANNEL(accountcode)', accountCode)
        .catch((e) => log.warn({ err: e }, 'could not set the account code'));
    }
    // The lease would otherwise go on ticking in the destination and cut the call off there.
    await this.ari.setVariable(channelId, LEASE_VARIABLE, '0');
    if (!('action' in target)) {
      const told = Object.entries(opts.variables ?? {});
      if (opts.callerName) told.push(['CALLERID(name)', opts.callerName]);
      // Told, or not: the call goes on either way.
      await Promise.all(
        told.map(([name, value]) =>
          this.ari
            .setVariable(channelId, name, value)
            .catch((e) => log.warn({ err: e, name }, 'could not tell the dialplan a variable')),
        ),
      );
      const { context, extension, priority } = target;
      await this.ari.continueInDialplan(channelId, { context, extension, priority });
    } else if (target.action === 'hangup') {
      await this.ari.hangup(channelId, target.cause);
    } else {
      await this.ari.answer(channelId);
      if (play) await play(SIT_TONE).catch((e) => log.warn({ err: e }, 'could not play the SIT tone'));
      await this.ari.hangup(channelId, 'unallocated');
    }
    log.info({ verdict, target }, 'call routed');
  }

  /** Hands the call back to the dialplan line after Stasis() (its fallback), for when Doorman cannot decide. */
  /**
   * A call whose screening failed goes back to the dialplan, never left waiting; where Asterisk
   * cannot be reached either, the lease runs out and the dialplan's T extension takes it.
   */
  async handBack(channelId: string, why: string, log: Logger): Promise<'handed-back' | 'failed'> {
    try {
      await this.ari.setVariable(channelId, LEASE_VARIABLE, '0');
      await this.ari.continueInDialplan(channelId);
      log.warn({ why }, 'call handed back to the dialplan');
      return 'handed-back';
    } catch (e) {
      log.error({ err: e }, 'could not hand the call back; the dialplan lease will');
      return 'failed';
    }
  }
}

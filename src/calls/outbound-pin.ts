import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { DoormanError } from '../errors.js';
import { OutboundGrantStore } from '../store/outbound-grant-store.js';
import type { PinSets } from '../store/pin-sets.js';
import type { Store } from '../store/store.js';
import type { AriConnection } from '../telephony/ari.js';
import type { ChannelJson } from '../telephony/ari-types.js';
import { voicemailPins } from '../telephony/voicemail-conf.js';
import { withTimeout } from '../util/timeout.js';
import type { EventWaiters } from './event-waiters.js';
import { type FeatureCall, runFeatureCode, withFeatureChannel } from './feature-channel.js';
import { askForPin } from './pin-dialogue.js';
import { playToEnd } from './playback.js';

/** Stasis arguments: `Stasis(doorman,outbound,${EXTEN})` before Dial, `Stasis(doorman,outbound-grant)` on 7777. */
export const OUTBOUND = 'outbound';
export const OUTBOUND_GRANT = 'outbound-grant';
/** The channel variable the outbound dialplan tests before it dials: `allowed` or `granted`. */
export const OUTBOUND_VARIABLE = 'DOORMAN_OUTBOUND';

/**
 * Outbound PIN protect: a flagged extension calls out only within `grantSeconds` of entering
 * its PIN on the feature code. Grants are kept in the database (a restart keeps them; PBXs
 * sharing it share them; `doorman grants`, the API and the web app list and revoke them). While
 * the database cannot be read, the grants this process made stand in: a grant made elsewhere is
 * then refused, which errs on the safe side (the dialplan refuses calls Doorman did not let through).
 */
export class OutboundPin {
  /** This process's own grants, for when the database does not answer. */
  private readonly made = new Map<string, number>();
  private readonly cfg: Config['outboundPin'];
  private readonly grants: OutboundGrantStore;

  constructor(
    private readonly config: Config,
    private readonly ari: AriConnection,
    private readonly pins: PinSets,
    store: Store,
    private readonly events: EventWaiters,
    private readonly log: Logger,
  ) {
    this.cfg = config.outboundPin;
    this.grants = new OutboundGrantStore(store);
  }

  /** Whether the extension holds a grant now: the database's word, else this process's own. */
  private async granted(ext: string, log: Logger): Promise<boolean> {
    try {
      return (await this.grants.until(ext)) !== null;
    } catch (e) {
      log.warn({ err: e }, 'could not read outbound grants; using the ones made here');
      return (this.made.get(ext) ?? 0) > Date.now();
    }
  }

  /**
   * The phone calling out is its caller-ID number, never a Stasis argument: Asterisk splits
   * `Stasis(doorman,outbound,${EXTEN})` at commas after putting the number in, so a number
   * dialled as `5551234,1009` would arrive as a third argument naming another extension.
   */
  private extensionOf(channel: ChannelJson): string {
    return channel.caller?.number ?? '';
  }

  private featureCall(channelId: string, log: Logger): FeatureCall {
    return { ari: this.ari, events: this.events, channelId, calls: this.config.calls, log };
  }

  private isProtected(ext: string): boolean {
    return Object.hasOwn(this.cfg.extensions, ext);
  }

  /** Before an outbound Dial: let it go on, or say no and hang up. */
  async check(channel: ChannelJson, args: string[]): Promise<void> {
    const ext = this.extensionOf(channel);
    // The whole number dialled, commas and all (the arguments are split at them).
    const log = this.log.child({
      call: channel.id,
      extension: ext,
      number: channel.dialplan?.exten ?? args[1],
    });
    const verdict = !this.isProtected(ext) ? 'allowed' : (await this.granted(ext, log)) ? 'granted' : null;
    if (verdict) {
      // The CDR says which extension's PIN let a protected call out.
      if (verdict === 'granted')
        await this.ari
          .setVariable(channel.id, 'CHANNEL(accountcode)', `outbound-${ext}`)
          .catch((e) => log.warn({ err: e }, 'could not set the account code'));
      await this.ari.setVariable(channel.id, OUTBOUND_VARIABLE, verdict);
      await this.ari.continueInDialplan(channel.id);
      log.info({ verdict }, 'outbound call let through');
      return;
    }
    log.warn('outbound call refused: no grant (dial the feature code and the PIN first)');
    await withFeatureChannel(this.featureCall(channel.id, log), async ({ signal }) => {
      await this.ari.answer(channel.id);
      await playToEnd(this.ari, this.events, channel.id, this.cfg.refusedPrompt, 15_000, signal);
    }).catch(() => {}); // refused either way; the prompt is a courtesy
    await this.ari.hangup(channel.id).catch(() => {});
  }

  /** The feature code: asks for the extension's PIN and grants outbound calling. */
  async grant(channel: ChannelJson): Promise<void> {
    const ext = this.extensionOf(channel);
    const log = this.log.child({ call: channel.id, extension: ext, feature: OUTBOUND_GRANT });
    const lockKey = `ext:${ext}`;
    const policy = {
      failures: this.config.pins.lockoutFailures,
      windowMinutes: this.config.pins.lockoutWindowMinutes,
    };
    await runFeatureCode(
      this.featureCall(channel.id, log),
      'the outbound PIN feature code',
      async (phone, play) => {
        if (!this.isProtected(ext)) {
          log.info('extension is not PIN protected: nothing to grant');
          await play(this.cfg.grantedPrompt);
          return;
        }
        if (await this.pins.lockedUntil(lockKey, policy)) {
          log.warn('extension is locked out after wrong PINs');
          await play(this.cfg.refusedPrompt);
          return;
        }
        const outcome = await askForPin(phone, this.cfg, {
          verify: async (digits) => ((await this.pinMatches(ext, digits)) ? ext : null),
          wrong: async () => {
            await this.pins.recordFailure(lockKey);
            return (await this.pins.lockedUntil(lockKey, policy)) !== null;
          },
        });
        if (outcome.kind === 'accepted') {
          await this.pins.clearFailures(lockKey).catch(() => {});
          const until = Date.now() + this.cfg.grantSeconds * 1000;
          this.made.set(ext, until);
          await this.grants
            .grant(ext, new Date(until).toISOString())
            .catch((e) => log.warn({ err: e }, 'grant not stored; it holds on this Doorman only'));
          log.info({ seconds: this.cfg.grantSeconds }, 'outbound calling granted');
          await play(this.cfg.grantedPrompt);
        } else {
          log.warn({ outcome: outcome.kind, attempts: outcome.attempts }, 'outbound grant refused');
          await play(this.cfg.refusedPrompt);
        }
      },
    );
  }

  /** Whether `entered` is the extension's PIN: from config, else its PIN set, else its mailbox. */
  private async pinMatches(ext: string, entered: string): Promise<boolean> {
    const own = this.cfg.extensions[ext]?.pin;
    if (own) return sameSecret(own, entered);
    if (this.cfg.pinSet) {
      const r = await this.pins.checkLabelPin(this.cfg.pinSet, ext, entered);
      if (r !== null) return r;
    }
    if (this.cfg.voicemailConf) {
      const text = await withTimeout(
        readFile(this.cfg.voicemailConf, 'utf8'),
        2_000,
        'reading voicemail.conf',
      );
      const pin = voicemailPins(text).get(`${ext}@${this.cfg.voicemailContext}`);
      if (pin) return sameSecret(pin, entered);
    }
    throw new DoormanError('NO_PIN', `no PIN is known for extension ${ext}`, { extension: ext });
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // Lengths differ: compare against itself so the time taken does not depend on where they differ.
  return x.length === y.length ? timingSafeEqual(x, y) : !timingSafeEqual(x, x);
}

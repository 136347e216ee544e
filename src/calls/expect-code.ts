import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { normalizeNumber } from '../match/caller-id.js';
import { ExpectedCallerStore } from '../store/expected-caller-store.js';
import type { Store } from '../store/store.js';
import type { AriConnection } from '../telephony/ari.js';
import type { ChannelJson } from '../telephony/ari-types.js';
import type { EventWaiters } from './event-waiters.js';
import { runFeatureCode } from './feature-channel.js';
import { askForPin } from './pin-dialogue.js';

/** The Stasis argument of the phones' expected-caller code: `Stasis(doorman,expect)`. */
export const EXPECT = 'expect';

/**
 * "I'm expecting a call back from my bank": a phone dials `phones.expectCode` and the number
 * the call will come from; a pass lets that number in to the phone's destination
 * (`phones.extensions`) for `phones.expectHours`, on every PBX sharing the database.
 */
export class ExpectCode {
  constructor(
    private readonly config: Config,
    private readonly ari: AriConnection,
    private readonly store: Store,
    private readonly events: EventWaiters,
    /** The number rules (passes by number among them) are read again on the next call. */
    private readonly passAdded: () => void,
    private readonly log: Logger,
  ) {}

  async handle(channel: ChannelJson): Promise<void> {
    const ext = channel.caller?.number ?? '';
    const log = this.log.child({ call: channel.id, extension: ext, feature: EXPECT });
    const call = { ari: this.ari, events: this.events, channelId: channel.id, calls: this.config.calls, log };
    await runFeatureCode(call, 'the expected-caller code', async (phone, play) => {
      const destination = this.config.phones.extensions[ext];
      if (!destination) {
        log.warn('a phone not in phones.extensions asked for an expected-caller pass');
        await play('doorman/unknown-extension');
        return;
      }
      const country = this.config.numbers.defaultCountry;
      const entered = await askForPin(
        phone,
        {
          attempts: 2,
          prompt: 'doorman/enter-expected-number',
          wrongPrompt: 'doorman/number-not-valid',
          length: 0,
          firstDigitMs: 8_000,
          interDigitMs: 4_000,
          totalMs: 40_000,
        },
        {
          // A whole number only: a prefix from a keypad is too easy to get wrong, and too wide.
          verify: async (digits) => {
            const n = normalizeNumber(digits, country);
            return n.e164 ? n.key : null;
          },
          wrong: async () => false,
        },
      );
      if (entered.kind !== 'accepted') {
        if (entered.kind === 'rejected') await play('doorman/number-not-valid');
        return;
      }
      const hours = this.config.phones.expectHours;
      const expiresAt = new Date(Date.now() + hours * 3_600_000).toISOString();
      await new ExpectedCallerStore(this.store).add({
        words: [],
        numberPrefix: entered.value,
        destination,
        expiresAt,
        note: `from extension ${ext}`,
      });
      this.passAdded();
      log.info({ number: entered.value, destination, expiresAt }, 'expected-caller pass added from a phone');
      await play('doorman/expected-caller-added');
    });
  }
}

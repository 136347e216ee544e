import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { normalizeNumber } from '../match/caller-id.js';
import { CallLog } from '../store/call-log.js';
import type { DurableWrites } from '../store/durable-writes.js';
import type { ListName } from '../store/schema.js';
import type { CallRow, Store } from '../store/store.js';
import type { AriConnection } from '../telephony/ari.js';
import type { ChannelJson } from '../telephony/ari-types.js';
import type { AriCallChannel } from './ari-call-channel.js';
import type { EventWaiters } from './event-waiters.js';
import { runFeatureCode } from './feature-channel.js';
import { askForPin } from './pin-dialogue.js';

/** The Stasis argument of the phones' list codes: `Stasis(doorman,last-caller,allow|block|refile)`. */
export const LAST_CALLER = 'last-caller';
export const LAST_CALLER_ACTIONS = ['allow', 'block', 'refile'] as const;
export type LastCallerAction = (typeof LAST_CALLER_ACTIONS)[number];

const SAID: Record<LastCallerAction, string> = {
  allow: 'doorman/caller-allowed',
  block: 'doorman/caller-blocked',
  refile: 'doorman/caller-refiled',
};

/**
 * A phone's say over the caller it just had: a feature code allowlists, blocks or re-files (to
 * another extension's destination) the last caller Doorman sent to this phone's destination
 * (`phones.extensions`), with the extension as `added_by`. The writes go through the durable
 * queue: a database that is down delays them, loses none.
 */
export class LastCallerCodes {
  constructor(
    private readonly config: Config,
    private readonly ari: AriConnection,
    private readonly store: Store,
    private readonly writes: DurableWrites,
    private readonly events: EventWaiters,
    private readonly log: Logger,
  ) {}

  async handle(channel: ChannelJson, args: string[]): Promise<void> {
    const action = LAST_CALLER_ACTIONS.find((a) => a === args[1]);
    const ext = channel.caller?.number ?? '';
    const log = this.log.child({ call: channel.id, extension: ext, feature: `${LAST_CALLER}-${args[1]}` });
    const call = { ari: this.ari, events: this.events, channelId: channel.id, calls: this.config.calls, log };
    await runFeatureCode(call, 'the last-caller feature code', async (phone, play) => {
      if (!action) {
        log.warn({ args }, 'unknown last-caller action');
        return;
      }
      const last = await this.lastCallerTo(ext);
      if (!last) {
        log.info('no last caller to act on');
        await play('doorman/no-last-caller');
        return;
      }
      let destination = this.config.phones.extensions[ext] ?? last.destination;
      if (action === 'refile') {
        const chosen = await this.askForExtension(phone);
        if (!chosen) {
          await play('doorman/unknown-extension');
          return;
        }
        destination = chosen;
      }
      const list: ListName = action === 'block' ? 'block' : 'allow';
      this.file(last, list, list === 'allow' ? destination : null, ext, log);
      await play(SAID[action]);
    });
  }

  /** The last caller with a real number that Doorman routed to this phone's destination (or anywhere). */
  private async lastCallerTo(ext: string): Promise<CallRow | undefined> {
    const since = new Date(Date.now() - this.config.phones.lastCallerHours * 3_600_000).toISOString();
    const destination = this.config.phones.extensions[ext];
    const { rows } = await new CallLog(this.store).page(
      { outcome: 'routed', destination, from: since },
      20,
      0,
    );
    const country = this.config.numbers.defaultCountry;
    return rows.find((r) => r.caller_number !== ext && !normalizeNumber(r.caller_raw, country).anonymous);
  }

  /** "Enter the extension, then press pound": another phone's extension, as its destination. */
  private async askForExtension(channel: AriCallChannel): Promise<string | null> {
    const rules = {
      attempts: 1,
      prompt: 'doorman/enter-extension',
      wrongPrompt: 'doorman/unknown-extension',
      length: 0,
      firstDigitMs: 6_000,
      interDigitMs: 3_000,
      totalMs: 20_000,
    };
    const outcome = await askForPin(channel, rules, {
      verify: async (digits) => this.config.phones.extensions[digits] ?? null,
      wrong: async () => false,
    });
    return outcome.kind === 'accepted' ? outcome.value : null;
  }

  /** On one list, off the other (Store.fileCaller): the phone's word is the latest. */
  private file(row: CallRow, list: ListName, destination: string | null, ext: string, log: Logger): void {
    const number = row.caller_number;
    this.writes
      .write({
        op: 'fileCaller',
        input: {
          number,
          rawNumber: row.caller_raw,
          list,
          source: 'phone',
          name: row.caller_name || null,
          destination,
          addedBy: `extension ${ext}`,
          note: `from extension ${ext}, after their call of ${row.started_at}`,
        },
      })
      .then(
        () => log.info({ number, list, destination }, 'last caller filed from a phone'),
        (e) => log.warn({ err: e, number }, 'could not change the lists'),
      );
  }
}

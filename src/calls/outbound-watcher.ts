import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { normalizeNumber } from '../match/caller-id.js';
import type { DurableWrites } from '../store/durable-writes.js';
import type { AriConnection } from '../telephony/ari.js';
import type { AriEvent } from '../telephony/ari-types.js';

/** The number in a dial string: `15551234567@trunk`, `trunk/sip:+15551234567@host`, `15551234567`. */
export function dialledNumber(dialstring: string): string | null {
  const user =
    dialstring
      .replace(/^.*\//, '')
      .replace(/^sips?:/, '')
      .split('@')[0] ?? '';
  return /^\+?[0-9*#]{3,32}$/.test(user) ? user : null;
}

/**
 * Everyone the PBX calls out to may call back: numbers dialled through the configured trunks
 * go on the allow list (source `outbound`), with no dialplan change, by subscribing the app to
 * the trunk endpoints and reading what app_dial dialled on them.
 */
export class OutboundWatcher {
  constructor(
    private readonly config: Config,
    private readonly ari: AriConnection,
    private readonly writes: DurableWrites,
    private readonly log: Logger,
  ) {}

  /** After every (re)connect: subscriptions do not survive an Asterisk restart. */
  async subscribe(): Promise<void> {
    if (!this.config.outbound.enabled) return;
    for (const trunk of this.config.outbound.trunks) {
      try {
        await this.ari.subscribe(`endpoint:${trunk}`);
      } catch (e) {
        this.log.warn({ err: e, trunk }, 'cannot watch the trunk for outbound calls');
      }
    }
  }

  /**
   * app_dial sets DIALEDPEERNUMBER ("15551234567@trunk") on the channel it creates on the trunk;
   * endpoint subscriptions carry that (not the Dial event, which goes to the calling side).
   */
  onEvent(e: AriEvent): void {
    if (!this.config.outbound.enabled) return;
    let dialstring: string | undefined;
    let channel: AriEvent['channel'];
    if (e.type === 'ChannelVarset' && e.variable === 'DIALEDPEERNUMBER') {
      dialstring = e.value;
      channel = e.channel;
    } else if (e.type === 'Dial' && !e.dialstatus) {
      dialstring = e.dialstring;
      channel = e.peer;
    }
    const name = channel?.name ?? '';
    const trunk = this.config.outbound.trunks.find((t) => name.startsWith(`${t}-`));
    if (!dialstring || !trunk) return;
    const number = dialledNumber(dialstring);
    if (!number) return;
    const n = normalizeNumber(number, this.config.numbers.defaultCountry);
    const from = e.caller?.caller?.number || channel?.connected?.number;
    this.writes
      .write({
        op: 'addCallerIfAbsent',
        input: {
          number: n.key,
          rawNumber: n.raw,
          list: 'allow',
          source: 'outbound',
          addedBy: `outbound via ${trunk}`,
          note: from ? `dialled by ${from}` : null,
        },
      })
      .then(() => this.log.info({ number: n.key, trunk }, 'outbound number allowlisted'))
      .catch((err) => this.log.warn({ err }, 'could not allowlist an outbound number'));
  }
}

import type { Logger } from 'pino';
import type { ScreeningChanges } from '../events/screening-watch.js';
import { isBypassed } from '../policy/checks/bypass.js';
import type { BypassState } from '../store/screening-state.js';
import { readBypass, setScreening } from '../store/screening-state.js';
import type { Store } from '../store/store.js';
import type { AriConnection } from '../telephony/ari.js';
import type { ChannelJson } from '../telephony/ari-types.js';
import type { Cached } from '../util/cached.js';

/** The device a BLF key watches (`exten => bypass,hint,Stasis:doorman-bypass`). */
export const BYPASS_DEVICE = 'doorman-bypass';
/** The Stasis argument of the feature code that switches screening (`Stasis(doorman,toggle-screening)`). */
export const TOGGLE_SCREENING = 'toggle-screening';

/**
 * Screening on/off from a phone, and its lamp: a feature code flips the switch and says which
 * way it went; the state is published as an ARI device state whenever it changes, wherever it
 * was changed (a phone, the CLI, another PBX sharing the database).
 */
export class ScreeningSwitch {
  private published: boolean | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ari: AriConnection,
    private readonly store: Store,
    private readonly bypass: Cached<BypassState>,
    private readonly changes: ScreeningChanges,
    private readonly log: Logger,
  ) {}

  /** Publishes now and then every `everyMs` if it changed (cheap: the state is cached). */
  watch(everyMs = 2_000): void {
    this.published = undefined;
    clearInterval(this.timer);
    const tick = () => {
      this.publish().catch((e) => this.log.debug({ err: e }, 'could not publish the screening state'));
    };
    tick();
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async publish(force = false): Promise<void> {
    const off = isBypassed(await this.bypass.get(), new Date());
    if (!force && off === this.published) return;
    await this.ari.setDeviceState(BYPASS_DEVICE, off ? 'INUSE' : 'NOT_INUSE');
    this.published = off;
  }

  /** The feature code: answer, flip, say the new state, hang up. */
  async toggle(channel: ChannelJson, play: (sound: string) => Promise<void>): Promise<void> {
    const log = this.log.child({ call: channel.id, feature: TOGGLE_SCREENING });
    await this.ari.answer(channel.id);
    const turnOn = await this.changes.change('phone', async () => {
      const state = await readBypass(this.store);
      const on = isBypassed(state, new Date());
      await setScreening(this.store, on);
      // Switching on also ends a timed bypass.
      if (on && state.until) await this.store.setSetting('bypass_until', '');
      return on;
    });
    await this.publish(true);
    log.info(
      { screening: turnOn ? 'on' : 'off', by: channel.caller?.number },
      'screening switched from a phone',
    );
    await play(turnOn ? 'doorman/screening-on' : 'doorman/screening-off');
    await this.ari.hangup(channel.id).catch(() => {});
  }
}

import type { Logger } from 'pino';
import { type AriConnection, isGone } from '../telephony/ari.js';
import { LEASE_VARIABLE } from './router.js';

export type LeaseRenewal = 'renewed' | 'call left' | 'failed';

/**
 * A call's lease: the dialplan set `TIMEOUT(absolute)` before Stasis(), and while Doorman keeps
 * the call it pushes that deadline out every third of the lease. If Doorman dies, the deadline
 * passes and Asterisk routes the call through the dialplan's `T` extension: never lost.
 */
export class CallLease {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly ari: Pick<AriConnection, 'setVariable' | 'getChannel'>,
    private readonly channelId: string,
    private readonly seconds: number,
    private readonly log: Logger,
    /** True once the call has left Doorman (routed, hung up): a late failure is then expected. */
    private readonly callLeft: () => boolean,
  ) {}

  start(): void {
    this.running = true;
    void this.renew();
    this.timer = setInterval(() => void this.renew(), (this.seconds * 1000) / 3);
  }

  stop(): void {
    this.running = false;
    clearInterval(this.timer);
  }

  /** One renewal; it never rejects (a failure is logged: the old deadline still holds). */
  async renew(): Promise<LeaseRenewal> {
    try {
      await this.ari.setVariable(this.channelId, LEASE_VARIABLE, String(this.seconds));
      return 'renewed';
    } catch (e) {
      if (await this.leftAfter(e)) {
        this.log.debug({ err: e }, 'lease not renewed: call left');
        return 'call left';
      }
      this.log.warn({ err: e }, 'could not renew the call lease');
      return 'failed';
    }
  }

  /**
   * A renewal still in flight as the call leaves Stasis finds the channel gone or elsewhere:
   * there is no lease left to keep, so that is not worth a warning. Asterisk answers "Failed to
   * execute function" (no status) when the channel is hanging up as TIMEOUT() is written:
   * whether it is gone takes one more look.
   */
  private async leftAfter(e: unknown): Promise<boolean> {
    if (this.callLeft() || !this.running || isGone(e)) return true;
    return this.ari.getChannel(this.channelId).then(
      () => false,
      (e2: unknown) => isGone(e2),
    );
  }
}

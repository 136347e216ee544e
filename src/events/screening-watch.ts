import type { Logger } from 'pino';
import { bypassEnd, isBypassed } from '../policy/checks/bypass.js';
import { type BypassState, readBypass } from '../store/screening-state.js';
import type { Store } from '../store/store.js';
import type { Cached } from '../util/cached.js';
import type { ChangeFeed, ScreeningChangedBy } from './change-feed.js';

/** What a writer of the screening state needs: its write, said by whom. */
export interface ScreeningChanges {
  change<T>(by: Exclude<ScreeningChangedBy, 'elsewhere'>, write: () => Promise<T>): Promise<T>;
}

interface Seen {
  off: boolean;
  until: Date | null;
}

/**
 * Reports screening changes by watching the state rather than trusting each writer: the CLI
 * and other Doormans sharing the database write it too, and only a comparison with the state
 * last seen catches those. Writers here go through `change`, which runs their write in turn
 * with the watch's own reads, so a tick cannot see their change first and call it `elsewhere`.
 * It reads the database itself, not the app's cache: that falls back on the local copy while a
 * shared database is down, and a copy a little behind would read as a change, and back.
 */
export class ScreeningWatch implements ScreeningChanges {
  private last: Seen | undefined;
  private turn: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** A local change whose state could not be read after it: the next look reports it as theirs. */
  private unreported: ScreeningChangedBy | undefined;

  constructor(
    private readonly store: Store,
    /** The running app's cache, dropped after a change here so the next call sees it. */
    private readonly bypass: Pick<Cached<BypassState>, 'invalidate'>,
    private readonly feed: ChangeFeed,
    private readonly log: Logger,
  ) {}

  /** Takes the state as it is now for the baseline, then looks every `everyMs` (two settings read). */
  watch(everyMs = 2_000): void {
    clearInterval(this.timer);
    const tick = () => void this.inTurn(() => this.look('elsewhere'));
    tick();
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  change<T>(by: Exclude<ScreeningChangedBy, 'elsewhere'>, write: () => Promise<T>): Promise<T> {
    return this.inTurn(async () => {
      // Without a baseline (the database was down until now) the state before the write is it.
      if (!this.last) await this.look(by);
      const written = await write();
      this.bypass.invalidate();
      this.unreported = by;
      await this.look(by);
      return written;
    });
  }

  private inTurn<T>(run: () => Promise<T>): Promise<T> {
    const next = this.turn.then(run);
    this.turn = next.catch(() => {});
    return next;
  }

  private async look(by: ScreeningChangedBy): Promise<void> {
    let state: BypassState;
    try {
      state = await readBypass(this.store);
    } catch (e) {
      this.log.debug({ err: e }, 'could not read the screening state to compare');
      return;
    }
    const who = this.unreported ?? by;
    this.unreported = undefined;
    const now = new Date();
    const seen: Seen = { off: state.off, until: bypassEnd(state, now) };
    const last = this.last;
    this.last = seen;
    if (!last || !differs(last, seen, now)) return;
    const until = seen.until?.toISOString() ?? null;
    this.feed.screening({
      screening: isBypassed(state, now) ? 'off' : 'on',
      bypassUntil: until,
      by: who,
      at: now.toISOString(),
    });
  }
}

/** A bypass that ran out by itself is no change: its end was announced when it started. */
function differs(last: Seen, seen: Seen, now: Date): boolean {
  if (last.off !== seen.off) return true;
  if (last.until?.getTime() === seen.until?.getTime()) return false;
  const ranOut = last.until !== null && last.until <= now && seen.until === null;
  return !ranOut;
}

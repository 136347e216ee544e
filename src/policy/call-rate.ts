/**
 * Calls counted over sliding windows, per caller number and in all: what tells a flood (one
 * number calling again and again, or a burst of calls) from ordinary traffic. Pure and in
 * memory (each Doorman counts the calls it sees); the clock is passed in.
 */
export interface RateLimits {
  /** At most this many calls from one number within `perNumberMinutes`; 0: no limit. */
  perNumberCalls: number;
  perNumberMinutes: number;
  /** At most this many calls in all within `allSeconds`; 0: no limit. */
  allCalls: number;
  allSeconds: number;
}

export type Flooded = { by: 'number' | 'all'; calls: number; limit: number; window: string } | null;

/** Numbers whose counts are kept at most: a spoofed-number storm cannot grow memory without end. */
const MAX_NUMBERS = 50_000;

export class CallRate {
  private readonly byNumber = new Map<string, number[]>();
  private all: number[] = [];

  constructor(private readonly limits: RateLimits) {}

  /**
   * Counts a call from `number` at `now` (ms) and says whether it is over a limit. A call over
   * a limit still counts: a number that keeps calling stays limited until it slows down.
   */
  admit(number: string, now: number): Flooded {
    const l = this.limits;
    let flooded: Flooded = null;
    if (l.allCalls > 0) {
      const since = now - l.allSeconds * 1_000;
      this.all = this.all.filter((t) => t > since);
      this.all.push(now);
      if (this.all.length > l.allCalls)
        flooded = { by: 'all', calls: this.all.length, limit: l.allCalls, window: `${l.allSeconds} s` };
    }
    if (l.perNumberCalls > 0 && number) {
      const since = now - l.perNumberMinutes * 60_000;
      const times = (this.byNumber.get(number) ?? []).filter((t) => t > since);
      times.push(now);
      // Re-inserted, so the map's first key is the number heard from longest ago.
      this.byNumber.delete(number);
      this.byNumber.set(number, times);
      if (this.byNumber.size > MAX_NUMBERS) this.byNumber.delete(this.byNumber.keys().next().value as string);
      if (times.length > l.perNumberCalls)
        flooded ??= {
          by: 'number',
          calls: times.length,
          limit: l.perNumberCalls,
          window: `${l.perNumberMinutes} min`,
        };
    }
    return flooded;
  }

  /** Numbers being counted now (for /metrics). */
  get numbers(): number {
    return this.byNumber.size;
  }
}

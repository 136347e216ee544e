/**
 * Failed logins per key (an address, an account) in a sliding window. Kept in memory: it guards
 * this process's login route, and a restart forgetting it costs a guesser one more window.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    /** Keys remembered at most; the oldest go first (a flood of addresses cannot exhaust memory). */
    private readonly maxKeys = 10_000,
  ) {}

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (times.length) this.failures.set(key, times);
    else this.failures.delete(key);
    return times;
  }

  /** How long until every key may try again (0: now). */
  retryAfterMs(keys: readonly string[], now = Date.now()): number {
    let wait = 0;
    for (const key of keys) {
      const times = this.recent(key, now);
      if (times.length >= this.maxFailures) {
        const freeAt = (times[times.length - this.maxFailures] as number) + this.windowMs;
        wait = Math.max(wait, freeAt - now);
      }
    }
    return wait;
  }

  fail(keys: readonly string[], now = Date.now()): void {
    for (const key of keys) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.delete(key);
      this.failures.set(key, times);
    }
    while (this.failures.size > this.maxKeys) {
      const oldest = this.failures.keys().next().value as string;
      this.failures.delete(oldest);
    }
  }

  succeed(keys: readonly string[]): void {
    for (const key of keys) this.failures.delete(key);
  }
}

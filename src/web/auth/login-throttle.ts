/**
 * Failed logins per key (an address, an account) in a sliding window. Kept in memory: it guards
 * this process's login route, and a restart forgetting it costs a guesser one more window.
 *
 * An attempt counts as a failure from the moment it starts (`attempt`), before its password is
 * hashed, and is taken back if it succeeds: a burst of parallel guesses cannot all slip in
 * while the first ones are still being checked.
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

  private waitFor(key: string, now: number): number {
    const times = this.recent(key, now);
    if (times.length < this.maxFailures) return 0;
    return (times[times.length - this.maxFailures] as number) + this.windowMs - now;
  }

  /**
   * How long until this address may try this account (0: now). An address that failed too
   * often waits; so does one that failed at all while the account is under attack. An address
   * with no failure may still try an account others are guessing at: the right password from a
   * clean address gets in, and a guesser pays with that address's first failure.
   */
  retryAfterMs(address: string, account: string, now = Date.now()): number {
    const byAddress = this.waitFor(address, now);
    if (byAddress > 0) return byAddress;
    const clean = this.recent(address, now).length === 0;
    return clean ? 0 : this.waitFor(account, now);
  }

  /** Starts an attempt: counted as a failure at once, until `succeed` takes it back. */
  attempt(keys: readonly string[], now = Date.now()): void {
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

/**
 * A value read at most every `ttlMs` (name rules, the bypass setting: read on every call,
 * changed rarely). Concurrent readers share one load; a failed load is not cached.
 */
export class Cached<T> {
  private value: { v: T; at: number } | undefined;
  private loading: Promise<T> | undefined;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
  ) {}

  get(): Promise<T> {
    if (this.value && performance.now() - this.value.at < this.ttlMs) return Promise.resolve(this.value.v);
    this.loading ??= this.load()
      .then((v) => {
        this.value = { v, at: performance.now() };
        return v;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** After an edit, so the next call sees it. */
  invalidate(): void {
    this.value = undefined;
  }
}

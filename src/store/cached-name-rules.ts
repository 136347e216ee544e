import { NameRules } from '../match/name-rules.js';
import type { Store } from './store.js';

/** Name rules are few and change rarely: read them at most every `ttlMs`, not on every call. */
export class CachedNameRules {
  private cached: { rules: NameRules; at: number } | undefined;
  private loading: Promise<NameRules> | undefined;

  constructor(
    private readonly store: Store,
    private readonly ttlMs = 10_000,
  ) {}

  get(): Promise<NameRules> {
    if (this.cached && performance.now() - this.cached.at < this.ttlMs)
      return Promise.resolve(this.cached.rules);
    this.loading ??= this.store
      .nameRules()
      .then((list) => {
        const rules = new NameRules(list);
        this.cached = { rules, at: performance.now() };
        return rules;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** After an edit, so the next call sees it. */
  invalidate(): void {
    this.cached = undefined;
  }
}

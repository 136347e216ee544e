import { type ExpressionBuilder, sql } from 'kysely';
import type { CallerSource, Database, ListName } from './schema.js';
import type { CallerRow, Store } from './store.js';
import { storable } from './text.js';

export interface CallerFilter {
  list?: ListName | undefined;
  source?: CallerSource | undefined;
  /** Part of the number (as stored or as received) or of the name, any case. */
  search?: string | undefined;
}

/** `%` and `_` typed by a person are literal; `!` escapes them (a backslash means different things in MySQL). */
export const likePattern = (s: string) =>
  `%${storable(s)
    .toLowerCase()
    .replace(/[!%_]/g, (c) => `!${c}`)}%`;

/** Browsing and bulk edits of the caller lists (the admin API); single-entry writes are the Store's. */
export class CallerQueries {
  constructor(private readonly store: Store) {}

  private where(f: CallerFilter) {
    return (eb: ExpressionBuilder<Database, 'callers'>) => {
      const all = [];
      if (f.list) all.push(eb('list', '=', f.list));
      if (f.source) all.push(eb('source', '=', f.source));
      const s = f.search?.trim();
      if (s) {
        const terms = [s, s.replace(/[^0-9+]/g, '')].filter((t) => t.length > 0).map(likePattern);
        all.push(
          eb.or(
            terms.flatMap((p) => [
              sql<boolean>`${eb.ref('number')} like ${p} escape '!'`,
              sql<boolean>`${eb.ref('raw_number')} like ${p} escape '!'`,
              sql<boolean>`lower(${eb.ref('name')}) like ${p} escape '!'`,
            ]),
          ),
        );
      }
      return eb.and(all);
    };
  }

  async page(f: CallerFilter, limit: number, offset: number): Promise<{ total: number; rows: CallerRow[] }> {
    const db = this.store.db;
    const [rows, count] = await Promise.all([
      this.store.q('list', () =>
        db
          .selectFrom('callers')
          .selectAll()
          .where(this.where(f))
          .orderBy('created_at', 'desc')
          .orderBy('id')
          .limit(limit)
          .offset(offset)
          .execute(),
      ),
      this.store.q('count', () =>
        db
          .selectFrom('callers')
          .select((eb) => eb.fn.countAll().as('n'))
          .where(this.where(f))
          .executeTakeFirstOrThrow(),
      ),
    ]);
    return { total: Number(count.n), rows: rows as CallerRow[] };
  }

  async byIds(ids: readonly string[]): Promise<CallerRow[]> {
    if (!ids.length) return [];
    return (await this.store.q('read', () =>
      this.store.db.selectFrom('callers').selectAll().where('id', 'in', ids).execute(),
    )) as CallerRow[];
  }

  async deleteByIds(ids: readonly string[]): Promise<number> {
    if (!ids.length) return 0;
    const r = await this.store.q('write', () =>
      this.store.db.deleteFrom('callers').where('id', 'in', ids).executeTakeFirst(),
    );
    return Number(r.numDeletedRows);
  }
}

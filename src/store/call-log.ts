import { type ExpressionBuilder, sql } from 'kysely';
import { EXPORT_BATCH, yieldToLoop } from '../lists/bulk.js';
import { likePattern } from './caller-queries.js';
import type { Database, ListName } from './schema.js';
import type { CallRow, Store } from './store.js';

/** A caller's standing on the lists, as the log shows it beside their calls. */
export interface Listed {
  list: ListName;
  destination: string | null;
}

export interface CallFilter {
  outcome?: string | undefined;
  /** The check whose verdict routed the call (`blocklist`, `challenge`...). */
  check?: string | undefined;
  destination?: string | undefined;
  /** ISO-8601 bounds on when the call started: from inclusive, to exclusive. */
  from?: string | undefined;
  to?: string | undefined;
  /** Part of the caller's number or name. */
  caller?: string | undefined;
}

/** Reading the screening log (the admin API); calls are written by the call sessions. */
export class CallLog {
  constructor(private readonly store: Store) {}

  private where(f: CallFilter) {
    return (eb: ExpressionBuilder<Database, 'calls'>) => {
      const all = [];
      if (f.outcome) all.push(eb('outcome', '=', f.outcome));
      if (f.check) all.push(eb('check_name', '=', f.check));
      if (f.destination) all.push(eb('destination', '=', f.destination));
      if (f.from) all.push(eb('started_at', '>=', f.from));
      if (f.to) all.push(eb('started_at', '<', f.to));
      const c = f.caller?.trim();
      if (c) {
        const p = likePattern(c);
        all.push(
          eb.or([
            sql<boolean>`${eb.ref('caller_number')} like ${p} escape '!'`,
            sql<boolean>`${eb.ref('caller_raw')} like ${p} escape '!'`,
            sql<boolean>`lower(${eb.ref('caller_name')}) like ${p} escape '!'`,
          ]),
        );
      }
      return eb.and(all);
    };
  }

  async page(f: CallFilter, limit: number, offset: number): Promise<{ total: number; rows: CallRow[] }> {
    const db = this.store.db;
    const [rows, count] = await Promise.all([
      this.store.q('list', () =>
        db
          .selectFrom('calls')
          .selectAll()
          .where(this.where(f))
          .orderBy('started_at', 'desc')
          .orderBy('id')
          .limit(limit)
          .offset(offset)
          .execute(),
      ),
      this.store.q('count', () =>
        db
          .selectFrom('calls')
          .select((eb) => eb.fn.countAll().as('n'))
          .where(this.where(f))
          .executeTakeFirstOrThrow(),
      ),
    ]);
    return { total: Number(count.n), rows };
  }

  async byId(id: string): Promise<CallRow | undefined> {
    return this.store.q('read', () =>
      this.store.db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst(),
    );
  }

  /**
   * Every call matching a filter, oldest first (ties by id), for exports of any size: read in
   * keyset-paged batches with a turn of the event loop between them, so calls keep flowing.
   */
  async *each(f: CallFilter, batch = EXPORT_BATCH): AsyncGenerator<CallRow> {
    let last: CallRow | undefined;
    for (;;) {
      const from = last;
      const rows = await this.store.q('export', () => {
        let query = this.store.db.selectFrom('calls').selectAll().where(this.where(f));
        if (from)
          query = query.where((eb) =>
            eb.or([
              eb('started_at', '>', from.started_at),
              eb.and([eb('started_at', '=', from.started_at), eb('id', '>', from.id)]),
            ]),
          );
        return query.orderBy('started_at').orderBy('id').limit(batch).execute();
      });
      yield* rows;
      if (rows.length < batch) return;
      last = rows[rows.length - 1];
      await yieldToLoop();
    }
  }

  /**
   * Calls per UTC day and outcome since `from`. The day is the date part of the ISO `started_at`
   * string, which every database can cut out alike.
   */
  async perDay(from: string): Promise<Array<{ day: string; outcome: string; calls: number }>> {
    const day = sql<string>`substr(started_at, 1, 10)`;
    const rows = await this.store.q('stats', () =>
      this.store.db
        .selectFrom('calls')
        .select((eb) => [day.as('day'), 'outcome', eb.fn.countAll().as('calls')])
        .where('started_at', '>=', from)
        .groupBy([day, 'outcome'])
        .execute(),
    );
    return rows.map((r) => ({ day: r.day, outcome: r.outcome, calls: Number(r.calls) }));
  }

  /** The numbers a check (the block list, the flood limits) turned away most often since `from`, with a name they gave. */
  async topBy(
    check: 'blocklist' | 'flood',
    from: string,
    limit: number,
  ): Promise<Array<{ number: string; name: string; calls: number }>> {
    const rows = await this.store.q('stats', () =>
      this.store.db
        .selectFrom('calls')
        .select((eb) => ['caller_number', eb.fn.max('caller_name').as('name'), eb.fn.countAll().as('calls')])
        .where('started_at', '>=', from)
        .where('check_name', '=', check)
        .groupBy('caller_number')
        .orderBy('calls', 'desc')
        .orderBy('caller_number')
        .limit(limit)
        .execute(),
    );
    return rows.map((r) => ({ number: r.caller_number, name: r.name, calls: Number(r.calls) }));
  }

  /**
   * The unexpired every-call list entries of these numbers, so the log can offer "re-file" for
   * an allowed caller. A number on both lists shows as blocked: the block list is checked first.
   */
  async listed(numbers: readonly string[]): Promise<Map<string, Listed>> {
    const out = new Map<string, Listed>();
    if (numbers.length === 0) return out;
    const rows = await this.store.q('read', () =>
      this.store.db
        .selectFrom('callers')
        .select(['number', 'list', 'destination'])
        .where('number', 'in', [...new Set(numbers)])
        .where('scope', '=', '')
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date().toISOString())]))
        .execute(),
    );
    for (const r of rows)
      if (!out.has(r.number) || r.list === 'block')
        out.set(r.number, { list: r.list, destination: r.destination });
    return out;
  }

  /** The distinct raw caller numbers of these calls (at most `limit`), by ids or by a filter. */
  async callerNumbers(which: { ids: readonly string[] } | { filter: CallFilter }, limit: number) {
    return this.store.q('read', () => {
      let query = this.store.db.selectFrom('calls').select('caller_raw').distinct().limit(limit);
      query = 'ids' in which ? query.where('id', 'in', which.ids) : query.where(this.where(which.filter));
      return query.execute();
    });
  }
}

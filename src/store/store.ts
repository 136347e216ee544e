import { randomUUID } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import { type NameRule, validateNameRule } from '../match/name-rules.js';
import { withTimeout } from '../util/timeout.js';
import { dialectFor } from './dialect.js';
import { migrate } from './migrations.js';
import {
  type CallerSource,
  type CallersTable,
  type CallsTable,
  type Database,
  type ListName,
  otherList,
} from './schema.js';
import { cap, storable } from './text.js';

export type CallerRow = Omit<CallersTable, 'hits'> & { hits: number };
/** A call-log row; a write queued by an older Doorman (durable-writes) lacks the later columns. */
export type CallRow = Omit<CallsTable, 'account_code' | 'question_recording'> & {
  account_code?: string | null;
  question_recording?: string | null;
};

export interface CallerInput {
  number: string;
  rawNumber: string;
  list: ListName;
  source: CallerSource;
  name?: string | null;
  destination?: string | null;
  addedBy?: string | null;
  scope?: string;
  expiresAt?: string | null;
  note?: string | null;
}

export interface StoreOptions {
  /** `sqlite:PATH`, `postgres://...` or `mysql://...` */
  url: string;
  /** Deadline of every query. */
  timeoutMs: number;
}

const now = () => new Date().toISOString();

/**
 * Caller lists, the call log and settings, in SQLite (embedded default), PostgreSQL or
 * MySQL/MariaDB (several PBXs sharing one list). Every query has a deadline and is
 * parameterised; text from callers is capped to its column's size.
 */
export class Store {
  private constructor(
    readonly db: Kysely<Database>,
    readonly kind: 'sqlite' | 'postgres' | 'mysql',
    private readonly timeoutMs: number,
  ) {}

  private migrated: Promise<void> | undefined;

  /** Opens the database and brings its schema up to date; throws if it cannot be reached. */
  static async open(opts: StoreOptions): Promise<Store> {
    const store = Store.connect(opts);
    try {
      await store.ready();
    } catch (e) {
      await store.close().catch(() => {});
      throw e;
    }
    return store;
  }

  /**
   * A store that is usable at once, whether or not the database answers yet: the schema is
   * brought up to date before the first query that gets through, and queries fail (within their
   * deadline) until then. For a daemon that must start while a shared database is down.
   */
  static connect(opts: StoreOptions): Store {
    const { kind, dialect } = dialectFor(opts.url);
    return new Store(new Kysely<Database>({ dialect }), kind, opts.timeoutMs);
  }

  /** Resolves once the schema is current; a failed attempt is retried by the next caller. */
  ready(): Promise<void> {
    this.migrated ??= withTimeout(
      migrate(this.db as Kysely<unknown>, this.kind),
      Math.max(this.timeoutMs, 10_000),
      'database migration',
    ).catch((e) => {
      this.migrated = undefined;
      throw e;
    });
    return this.migrated;
  }

  /** Runs one query (or transaction) once the schema is current, within the store's deadline. */
  q<T>(what: string, run: () => Promise<T>): Promise<T> {
    return withTimeout(this.ready().then(run), this.timeoutMs, `database ${what}`);
  }

  /** The allow and block entries for a number (global, or for this scope), unexpired. */
  async lookup(number: string, scope = ''): Promise<{ allow?: CallerRow; block?: CallerRow }> {
    const rows = await this.q('lookup', () =>
      this.db
        .selectFrom('callers')
        .selectAll()
        .where('number', '=', number)
        .where('scope', 'in', scope ? ['', scope] : [''])
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now())]))
        .execute(),
    );
    const out: { allow?: CallerRow; block?: CallerRow } = {};
    // A scoped entry is more specific than a global one.
    for (const r of rows.sort((a, b) => a.scope.length - b.scope.length)) out[r.list] = r as CallerRow;
    return out;
  }

  /** Adds a caller to a list, or updates the entry that is there (same number, list and scope). */
  async upsertCaller(c: CallerInput): Promise<CallerRow> {
    const scope = cap(c.scope ?? '', 64) as string;
    const number = cap(c.number, 64) as string;
    await this.q('write', () => this.db.transaction().execute((tx) => writeCaller(tx, c)));
    return this.entryAt(number, c.list, scope);
  }

  /** The entry for (number, list, scope) as stored, expired or not: what a write just made. */
  private async entryAt(number: string, list: ListName, scope: string): Promise<CallerRow> {
    const row = await this.q('read', () =>
      this.db
        .selectFrom('callers')
        .selectAll()
        .where('number', '=', number)
        .where('list', '=', list)
        .where('scope', '=', scope)
        .executeTakeFirstOrThrow(),
    );
    return row as CallerRow;
  }

  /**
   * Puts a caller on one list and takes them off the other (same number and scope), in one
   * transaction: the latest word on a caller wins, and no moment sees them on both or neither.
   */
  async fileCaller(c: CallerInput): Promise<{ entry: CallerRow; removedFromOther: boolean }> {
    const number = cap(c.number, 64) as string;
    const scope = cap(c.scope ?? '', 64) as string;
    const other = otherList(c.list);
    const removed = await this.q('write', () =>
      this.db.transaction().execute(async (tx) => {
        await writeCaller(tx, c);
        return tx
          .deleteFrom('callers')
          .where('number', '=', number)
          .where('list', '=', other)
          .where('scope', '=', scope)
          .executeTakeFirst();
      }),
    );
    return {
      entry: await this.entryAt(number, c.list, scope),
      removedFromOther: Number(removed.numDeletedRows) > 0,
    };
  }

  /**
   * upsertCaller for a batch of entries in one transaction (bulk imports: all or none of the
   * batch is written, and one commit instead of one per entry).
   */
  async upsertCallers(inputs: CallerInput[]): Promise<void> {
    if (inputs.length === 0) return;
    await this.q('write', () =>
      this.db.transaction().execute(async (tx) => {
        for (const c of inputs) await writeCaller(tx, c);
      }),
    );
  }

  /**
   * Adds a caller unless the list already has them (an outbound dial must not overwrite a
   * destination): the new entry, or null when there was one.
   */
  async addCallerIfAbsent(c: CallerInput): Promise<CallerRow | null> {
    const number = cap(c.number, 64) as string;
    const scope = cap(c.scope ?? '', 64) as string;
    const existing = await this.q('read', () =>
      this.db
        .selectFrom('callers')
        .select('id')
        .where('number', '=', number)
        .where('list', '=', c.list)
        .where('scope', '=', scope)
        .executeTakeFirst(),
    );
    if (existing) return null;
    return this.upsertCaller(c);
  }

  async removeCaller(number: string, list: ListName, scope = ''): Promise<boolean> {
    const r = await this.q('write', () =>
      this.db
        .deleteFrom('callers')
        .where('number', '=', number)
        .where('list', '=', list)
        .where('scope', '=', scope)
        .executeTakeFirst(),
    );
    return Number(r.numDeletedRows) > 0;
  }

  /** Counts a call from a listed caller. */
  async recordHit(id: string): Promise<void> {
    await this.q('write', () =>
      this.db
        .updateTable('callers')
        .set((eb) => ({ hits: eb('hits', '+', 1), last_seen_at: now() }))
        .where('id', '=', id)
        .execute(),
    );
  }

  /**
   * Callers, newest first (ties by id). `after` continues from a row of the previous page
   * (keyset paging, which stays cheap however deep the page, unlike `offset`).
   */
  async listCallers(
    opts: {
      list?: ListName;
      limit?: number;
      offset?: number;
      after?: { created_at: string; id: string };
    } = {},
  ): Promise<CallerRow[]> {
    let query = this.db.selectFrom('callers').selectAll().orderBy('created_at', 'desc').orderBy('id');
    if (opts.list) query = query.where('list', '=', opts.list);
    const after = opts.after;
    if (after)
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', after.created_at),
          eb.and([eb('created_at', '=', after.created_at), eb('id', '>', after.id)]),
        ]),
      );
    return (await this.q('list', () =>
      query
        .limit(opts.limit ?? 100)
        .offset(opts.offset ?? 0)
        .execute(),
    )) as CallerRow[];
  }

  /** Logs a call; a replayed write with the same id is not logged twice. */
  async recordCall(call: CallRow): Promise<string> {
    const id = call.id;
    const seen = await this.q('read', () =>
      this.db.selectFrom('calls').select('id').where('id', '=', id).executeTakeFirst(),
    );
    if (seen) return id;
    await this.q('write', () =>
      this.db
        .insertInto('calls')
        .values({
          ...call,
          id,
          channel_id: cap(call.channel_id, 255) as string,
          caller_number: cap(call.caller_number, 64) as string,
          caller_raw: cap(call.caller_raw, 255) as string,
          caller_name: cap(call.caller_name, 255) as string,
          did: cap(call.did, 64) as string,
          route: cap(call.route, 64) as string,
          reason: cap(call.reason, 1000),
          account_code: cap(call.account_code, 80),
          // What the caller said, and JSON holding their name: as storable as the name itself.
          transcript: storable(call.transcript),
          checks: storable(call.checks),
          candidates: storable(call.candidates),
          timings: storable(call.timings),
          recording: cap(call.recording, 1000),
          question_recording: cap(call.question_recording ?? null, 1000),
        })
        .execute(),
    );
    return id;
  }

  /** Resolves when the database answers a trivial query: it is up, whatever a write says. */
  async ping(): Promise<void> {
    await this.q('ping', () => sql`select 1`.execute(this.db));
  }

  async recentCalls(limit = 50): Promise<CallRow[]> {
    return this.q('list', () =>
      this.db.selectFrom('calls').selectAll().orderBy('started_at', 'desc').limit(limit).execute(),
    );
  }

  /** Adds a caller-ID name rule after checking it is safe to run on every call. */
  async addNameRule(
    kind: NameRule['kind'],
    pattern: string,
    opts: { note?: string | null; list?: 'allow' | 'block'; destination?: string | null } = {},
  ): Promise<Required<NameRule>> {
    validateNameRule({ kind, pattern });
    const rule = {
      id: randomUUID(),
      kind,
      pattern,
      list: opts.list ?? 'block',
      destination: cap(opts.destination, 64),
    };
    await this.q('write', () =>
      this.db
        .insertInto('name_rules')
        .values({ ...rule, note: cap(opts.note, 1000), created_at: now() })
        .execute(),
    );
    return rule;
  }

  async nameRules(): Promise<Required<NameRule>[]> {
    const rows = await this.q('read', () =>
      this.db
        .selectFrom('name_rules')
        .select(['id', 'kind', 'pattern', 'list', 'destination'])
        .orderBy('created_at')
        .execute(),
    );
    return rows.map((r) => ({ ...r, list: r.list ?? 'block', destination: r.destination ?? null }));
  }

  async removeNameRule(id: string): Promise<boolean> {
    const r = await this.q('write', () =>
      this.db.deleteFrom('name_rules').where('id', '=', id).executeTakeFirst(),
    );
    return Number(r.numDeletedRows) > 0;
  }

  async getSetting(key: string): Promise<string | undefined> {
    const r = await this.q('read', () =>
      this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst(),
    );
    return r?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.q('write', () =>
      this.db.transaction().execute(async (tx) => {
        const r = await tx.updateTable('settings').set({ value }).where('key', '=', key).executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) await tx.insertInto('settings').values({ key, value }).execute();
      }),
    );
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/** The write half of an upsert: updates the entry for (number, list, scope), or inserts one. */
async function writeCaller(tx: Kysely<Database>, c: CallerInput): Promise<void> {
  const scope = cap(c.scope ?? '', 64) as string;
  const number = cap(c.number, 64) as string;
  const t = now();
  const fields = {
    raw_number: cap(c.rawNumber, 255) as string,
    name: cap(c.name, 255),
    destination: cap(c.destination, 64),
    source: c.source,
    added_by: cap(c.addedBy, 255),
    expires_at: c.expiresAt ?? null,
    note: cap(c.note, 1000),
    updated_at: t,
  };
  const existing = await tx
    .selectFrom('callers')
    .select('id')
    .where('number', '=', number)
    .where('list', '=', c.list)
    .where('scope', '=', scope)
    .executeTakeFirst();
  if (existing) await tx.updateTable('callers').set(fields).where('id', '=', existing.id).execute();
  else
    await tx
      .insertInto('callers')
      .values({
        id: randomUUID(),
        number,
        list: c.list,
        scope,
        created_at: t,
        last_seen_at: null,
        hits: 0,
        ...fields,
      })
      .execute();
}

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Insertable } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { DIRECTORY_VERSION } from './directory-store.js';
import { rowCount } from './row-count.js';
import type { CallersTable } from './schema.js';
import { Store } from './store.js';

/** Tables the checks read, copied whole each round: they are small and change rarely (the directory: see copyRound). */
const WHOLE_TABLES = ['name_rules', 'number_rules', 'expected_callers', 'settings'] as const;
/** Callers are copied by what changed since the last round, this many rows a query. */
const PAGE = 2_000;
/** Rows re-read before the last change seen: another PBX's clock may run a little behind ours. */
const OVERLAP_MS = 60_000;
/** Rows a local insert carries (SQLite's limit is on bound parameters: 13 columns a row). */
const INSERT_CHUNK = 50;

export interface CopyStatus {
  /** `off`: no copy (a `sqlite:` store, or `store.copy.file` ''); `empty`: never brought up to date. */
  state: 'off' | 'empty' | 'in step' | 'behind';
  /** Seconds since the copy was last brought up to date. */
  ageSeconds: number | null;
  /** When a check last read the copy because the shared database did not answer. */
  usedAt: string | null;
}

export interface CopyRead<T> {
  value: T;
  /** The shared database did not answer: `value` came from the local copy, this old. */
  copyAgeMs?: number;
}

/**
 * A local SQLite copy of what the checks read from a shared database (the lists, the name and
 * number rules, expected callers, the screening settings, the directory), brought up to date every
 * `store.copy.refreshSeconds`. A read the shared database fails is answered from the copy,
 * so a database outage keeps screening (blocked callers stay blocked) instead of letting every
 * call through; with no copy at all, the read fails and the check fails open as before.
 */
export class ReadCopy {
  private syncedAt: number | undefined;
  private usedAt: number | undefined;
  /** The last (updated_at, id) of callers copied. */
  private mark = { at: '', id: '' };
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private failing = false;
  /** The directory version the copy holds ('' when none was copied yet). */
  private directoryVersion: string | undefined;
  /** Reads go straight to the copy until then (the shared database failed one). */
  private sharedDownUntil = 0;

  private constructor(
    private readonly shared: Store,
    private readonly local: Store | null,
    private readonly refreshMs: number,
    private readonly log: Logger,
  ) {}

  static open(shared: Store, config: Config['store'], log: Logger): ReadCopy {
    const wanted = shared.kind !== 'sqlite' && config.copy.file !== '';
    if (wanted) mkdirSync(dirname(config.copy.file), { recursive: true });
    const local = wanted ? Store.connect({ url: `sqlite:${config.copy.file}`, timeoutMs: 5_000 }) : null;
    return new ReadCopy(shared, local, config.copy.refreshSeconds * 1000, log);
  }

  /** Brings the copy up to date now, then every `refreshSeconds`. */
  start(): void {
    if (!this.local || this.timer) return;
    const tick = () => {
      this.refresh().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.refreshMs).unref();
      });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  /** Reads from the shared database, or, when it fails and there is a copy, from the copy. */
  async read<T>(run: (store: Store) => Promise<T>): Promise<CopyRead<T>> {
    const { local } = this;
    // Once the shared database has failed a read, the copy answers at once until a refresh
    // gets through: a check that waited out the shared deadline on every read would miss its own.
    if (local && this.syncedAt !== undefined && Date.now() < this.sharedDownUntil)
      return this.fromCopy(local, run);
    try {
      return { value: await run(this.shared) };
    } catch (e) {
      if (!local || this.syncedAt === undefined) throw e;
      this.sharedDownUntil = Date.now() + this.refreshMs;
      return this.fromCopy(local, run);
    }
  }

  private async fromCopy<T>(local: Store, run: (store: Store) => Promise<T>): Promise<CopyRead<T>> {
    const value = await run(local);
    this.usedAt = Date.now();
    return { value, copyAgeMs: this.usedAt - (this.syncedAt ?? this.usedAt) };
  }

  /** When the copy was last brought up to date (the start of that round), if ever. */
  get lastSyncedAt(): number | undefined {
    return this.syncedAt;
  }

  /** The copy's age while checks are reading it (the shared database failed a read lately). */
  inUseAgeMs(): number | undefined {
    const { usedAt, syncedAt } = this;
    if (usedAt === undefined || syncedAt === undefined) return undefined;
    return Date.now() - usedAt <= 2 * this.refreshMs ? Date.now() - syncedAt : undefined;
  }

  status(): CopyStatus {
    if (!this.local) return { state: 'off', ageSeconds: null, usedAt: null };
    const usedAt = this.usedAt === undefined ? null : new Date(this.usedAt).toISOString();
    if (this.syncedAt === undefined) return { state: 'empty', ageSeconds: null, usedAt };
    const age = Date.now() - this.syncedAt;
    return {
      state: age <= 3 * this.refreshMs ? 'in step' : 'behind',
      ageSeconds: Math.round(age / 1000),
      usedAt,
    };
  }

  /** One round; concurrent callers share it. A round that fails leaves the copy as it was. */
  refresh(): Promise<void> {
    if (!this.local) return Promise.resolve();
    this.refreshing ??= this.copyRound(this.local)
      .then(
        () => {
          if (this.failing) this.log.info('local copy of the lists in step again');
          this.failing = false;
          this.sharedDownUntil = 0;
        },
        (e) => {
          if (!this.failing)
            this.log.warn({ err: e }, 'local copy of the lists not brought up to date; it is kept as it was');
          this.failing = true;
        },
      )
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private async copyRound(local: Store): Promise<void> {
    const started = Date.now();
    // Read everything first: a round cut short by the shared database leaves the copy whole.
    const whole = await Promise.all(
      WHOLE_TABLES.map((t) =>
        this.shared.q('copy', () => this.shared.db.selectFrom(t).selectAll().execute()),
      ),
    );
    const changed = await this.changedCallers();
    // The directory (up to thousands of entries) only when its version moved.
    const settings = (whole[WHOLE_TABLES.indexOf('settings')] ?? []) as Array<{ key: string; value: string }>;
    const directoryVersion = settings.find((r) => r.key === DIRECTORY_VERSION)?.value ?? '';
    const directory =
      directoryVersion === this.directoryVersion
        ? null
        : await this.shared.q('copy', () =>
            this.shared.db.selectFrom('directory_entries').selectAll().execute(),
          );
    await local.q('copy', () =>
      local.db.transaction().execute(async (tx) => {
        if (directory) {
          await tx.deleteFrom('directory_entries').execute();
          for (let j = 0; j < directory.length; j += INSERT_CHUNK)
            await tx
              .insertInto('directory_entries')
              .values(directory.slice(j, j + INSERT_CHUNK))
              .execute();
        }
        for (const [i, t] of WHOLE_TABLES.entries()) {
          await tx.deleteFrom(t).execute();
          const rows = whole[i] ?? [];
          for (let j = 0; j < rows.length; j += INSERT_CHUNK)
            await tx
              .insertInto(t)
              .values(rows.slice(j, j + INSERT_CHUNK) as never)
              .execute();
        }
        for (let j = 0; j < changed.length; j += INSERT_CHUNK)
          await tx
            .insertInto('callers')
            .orReplace()
            .values(changed.slice(j, j + INSERT_CHUNK))
            .execute();
      }),
    );
    const last = changed.at(-1);
    if (last) this.mark = { at: last.updated_at, id: last.id };
    this.directoryVersion = directoryVersion;
    await this.dropRemoved(local);
    this.syncedAt = started;
  }

  /** Callers changed since the last round (and a minute before it), oldest first. */
  private async changedCallers(): Promise<Insertable<CallersTable>[]> {
    const since = this.mark.at ? new Date(Date.parse(this.mark.at) - OVERLAP_MS).toISOString() : '';
    const out: Insertable<CallersTable>[] = [];
    let after = { at: since, id: '' };
    for (;;) {
      const page = await this.shared.q('copy', () =>
        this.shared.db
          .selectFrom('callers')
          .selectAll()
          .where((eb) =>
            eb.or([
              eb('updated_at', '>', after.at),
              eb.and([eb('updated_at', '=', after.at), eb('id', '>', after.id)]),
            ]),
          )
          .orderBy('updated_at')
          .orderBy('id')
          .limit(PAGE)
          .execute(),
      );
      out.push(...page.map((r) => ({ ...r, hits: Number(r.hits) })));
      const last = page.at(-1);
      if (!last || page.length < PAGE) return out;
      after = { at: last.updated_at, id: last.id };
    }
  }

  /** Entries deleted from the shared lists go from the copy too (found when the counts differ). */
  private async dropRemoved(local: Store): Promise<void> {
    const [there, here] = await Promise.all([rowCount(this.shared, 'callers'), rowCount(local, 'callers')]);
    if (there === here) return;
    const ids = new Set(
      (await this.shared.q('copy', () => this.shared.db.selectFrom('callers').select('id').execute())).map(
        (r) => r.id,
      ),
    );
    const gone = (await local.q('copy', () => local.db.selectFrom('callers').select('id').execute()))
      .map((r) => r.id)
      .filter((id) => !ids.has(id));
    for (let j = 0; j < gone.length; j += 500)
      await local.q('copy', () =>
        local.db
          .deleteFrom('callers')
          .where('id', 'in', gone.slice(j, j + 500))
          .execute(),
      );
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.refreshing;
    await this.local?.close();
  }
}

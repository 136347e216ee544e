import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { DoormanError } from '../errors.js';
import { rowCount } from './row-count.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

/**
 * What a backup holds, in the order a restore writes it (sets before their PINs), each with
 * the key its rows are read in. Not in it: the call log and recordings (history, kept by
 * `recordings.retentionDays`), web sessions and wrong-PIN records (short-lived).
 */
const TABLES = [
  ['settings', 'key'],
  ['callers', 'id'],
  ['name_rules', 'id'],
  ['number_rules', 'id'],
  ['expected_callers', 'id'],
  ['directory_entries', 'id'],
  ['pin_sets', 'name'],
  ['pins', 'id'],
  ['admins', 'username'],
  ['api_tokens', 'id'],
  ['outbound_grants', 'extension'],
] as const satisfies ReadonlyArray<readonly [keyof Database, string]>;

type TableName = (typeof TABLES)[number][0];
type Row = Record<string, string | number | null>;

const FORMAT = 'doorman-backup';
const VERSION = 1;
const PAGE = 1_000;
const INSERT_CHUNK = 50;

export class BackupError extends DoormanError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('BACKUP', message, context);
  }
}

export type BackupCounts = Record<TableName, number>;

const emptyCounts = (): BackupCounts => Object.fromEntries(TABLES.map(([t]) => [t, 0])) as BackupCounts;

/**
 * Writes every table a restore needs as JSON lines: a header, one line per row, and a trailer
 * with the row counts, so a file cut short is refused whole instead of half restored. Rows are
 * read a page at a time, so a list of any size is backed up in bounded memory.
 */
export async function writeBackup(store: Store, out: Writable): Promise<BackupCounts> {
  const counts = emptyCounts();
  const line = async (value: unknown) => {
    if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, 'drain');
  };
  await line({ format: FORMAT, version: VERSION, createdAt: new Date().toISOString(), database: store.kind });
  for (const [table, key] of TABLES) {
    let after: string | null = null;
    for (;;) {
      const from = after;
      const page = (await store.q('backup', () => {
        let q = store.db.selectFrom(table).selectAll().orderBy(key).limit(PAGE);
        if (from !== null) q = q.where(key as never, '>', from as never);
        return q.execute();
      })) as Row[];
      for (const row of page) await line({ table, row });
      counts[table] += page.length;
      const last = page.at(-1);
      if (!last || page.length < PAGE) break;
      after = String(last[key]);
    }
  }
  await line({ end: true, rows: counts });
  return counts;
}

export interface Backup {
  createdAt: string;
  rows: Record<TableName, Row[]>;
}

/** Reads and checks a backup file whole before anything is written. */
export async function readBackup(file: string): Promise<Backup> {
  const rows = Object.fromEntries(TABLES.map(([t]) => [t, []])) as unknown as Record<TableName, Row[]>;
  const known = new Set<string>(TABLES.map(([t]) => t));
  let createdAt: string | undefined;
  let trailer: Record<string, unknown> | undefined;
  let n = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const text of lines) {
      n += 1;
      if (!text.trim()) continue;
      if (trailer) throw new BackupError(`line ${n}: data after the end of the backup`, { file });
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(text);
      } catch {
        throw new BackupError(`line ${n}: not JSON`, { file });
      }
      if (n === 1) {
        if (value.format !== FORMAT || value.version !== VERSION)
          throw new BackupError(`not a Doorman backup (version ${VERSION})`, { file });
        createdAt = String(value.createdAt);
      } else if (value.end === true) {
        trailer = (value.rows ?? {}) as Record<string, unknown>;
      } else {
        const { table, row } = value;
        if (typeof table !== 'string' || !known.has(table))
          throw new BackupError(`line ${n}: unknown table ${JSON.stringify(table)}`, { file });
        if (!isRow(row))
          throw new BackupError(`line ${n}: a row must be an object of text, numbers and nulls`, { file });
        rows[table as TableName].push(row);
      }
    }
  } catch (e) {
    if (e instanceof BackupError) throw e;
    throw new BackupError(`cannot read ${file}: ${(e as Error).message}`, { file });
  }
  if (!createdAt) throw new BackupError('the file is empty', { file });
  if (!trailer) throw new BackupError('the backup is cut short (no end line): nothing restored', { file });
  for (const [t] of TABLES)
    if (Number(trailer[t] ?? 0) !== rows[t].length)
      throw new BackupError(`the backup says ${String(trailer[t])} ${t} rows but holds ${rows[t].length}`, {
        file,
      });
  return { createdAt, rows };
}

function isRow(x: unknown): x is Row {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return false;
  return Object.values(x).every((v) => v === null || typeof v === 'string' || typeof v === 'number');
}

export interface RestorePlan {
  table: TableName;
  inBackup: number;
  inDatabase: number;
}

/** What a restore would do: rows per table in the backup, and already in the database. */
export async function restorePlan(store: Store, backup: Backup): Promise<RestorePlan[]> {
  return Promise.all(
    TABLES.map(async ([table]) => ({
      table,
      inBackup: backup.rows[table].length,
      inDatabase: await rowCount(store, table),
    })),
  );
}

/**
 * Restores a backup in one transaction: all of it or, on any error, none of it. Into a
 * database whose tables are empty, unless `replace` (then what they hold is deleted first).
 */
export async function restoreBackup(
  store: Store,
  backup: Backup,
  opts: { replace?: boolean } = {},
): Promise<RestorePlan[]> {
  const plan = await restorePlan(store, backup);
  const occupied = plan.filter((p) => p.inDatabase > 0);
  if (occupied.length && !opts.replace)
    throw new BackupError(
      `the database is not empty (${occupied.map((p) => `${p.inDatabase} ${p.table}`).join(', ')}): restore into an empty one, or pass --replace`,
    );
  // A restore may be large: it is bounded by the backup's size, not a call's deadline.
  await store.db
    .transaction()
    .execute(async (tx) => {
      for (const [table] of [...TABLES].reverse()) await tx.deleteFrom(table).execute();
      for (const [table] of TABLES) {
        const rows = backup.rows[table];
        for (let i = 0; i < rows.length; i += INSERT_CHUNK)
          await tx
            .insertInto(table)
            .values(rows.slice(i, i + INSERT_CHUNK) as never)
            .execute();
      }
    })
    .catch((e: unknown) => {
      throw new BackupError(
        `the database refused the restore, so nothing was restored: ${(e as Error).message}`,
      );
    });
  return plan;
}

import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { DoormanError } from '../errors.js';
import { normalizeNumber } from '../match/caller-id.js';
import { CALLER_SOURCES, type CallerSource, type ListName } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { csvField, parseCsv } from './csv.js';

export const CSV_COLUMNS = [
  'number',
  'name',
  'list',
  'destination',
  'source',
  'scope',
  'expires_at',
  'note',
] as const;

export interface ListFlags {
  block?: boolean;
  name?: string;
  destination?: string;
  scope?: string;
  expires?: string;
  note?: string;
  limit?: string;
}

const listOf = (f: ListFlags): ListName => (f.block ? 'block' : 'allow');

function checkDestination(config: Config, destination: string | undefined): string | null {
  if (!destination) return null;
  if (!(destination in config.destinations)) {
    throw new DoormanError(
      'UNKNOWN_DESTINATION',
      `no destination named "${destination}" (known: ${Object.keys(config.destinations).join(', ')})`,
    );
  }
  return destination;
}

function checkExpiry(value: string | undefined): string | null {
  if (!value) return null;
  const t = new Date(value);
  if (Number.isNaN(t.getTime()))
    throw new DoormanError(
      'BAD_DATE',
      `"${value}" is not a date (use e.g. 2027-01-31 or 2027-01-31T18:00:00Z)`,
    );
  return t.toISOString();
}

export async function listAdd(store: Store, config: Config, number: string, f: ListFlags): Promise<string> {
  const n = normalizeNumber(number, config.numbers.defaultCountry);
  if (n.anonymous) throw new DoormanError('BAD_NUMBER', `"${number}" is not a number`);
  const row = await store.upsertCaller({
    number: n.key,
    rawNumber: n.raw,
    list: listOf(f),
    source: 'manual',
    name: f.name ?? null,
    destination: checkDestination(config, f.destination),
    scope: f.scope ?? '',
    expiresAt: checkExpiry(f.expires),
    note: f.note ?? null,
    addedBy: `cli (${process.env.USER ?? 'unknown'})`,
  });
  return `${row.list}: ${row.number}${row.destination ? ` -> ${row.destination}` : ''}`;
}

export async function listRemove(
  store: Store,
  config: Config,
  number: string,
  f: ListFlags,
): Promise<boolean> {
  const n = normalizeNumber(number, config.numbers.defaultCountry);
  return store.removeCaller(n.key, listOf(f), f.scope ?? '');
}

export async function listExport(
  store: Store,
  list: ListName | undefined,
  write: (s: string) => void,
): Promise<number> {
  write(`${CSV_COLUMNS.join(',')}\n`);
  let count = 0;
  for (let offset = 0; ; offset += 1000) {
    const rows = await store.listCallers({ ...(list ? { list } : {}), limit: 1000, offset });
    for (const r of rows) {
      write(
        `${[r.number, r.name, r.list, r.destination, r.source, r.scope, r.expires_at, r.note].map(csvField).join(',')}\n`,
      );
      count++;
    }
    if (rows.length < 1000) return count;
  }
}

export interface ImportReport {
  imported: number;
  rejected: Array<{ line: number; reason: string }>;
}

/**
 * Imports a CSV (header row naming any of CSV_COLUMNS; `number` required). Bad rows are
 * reported with their line numbers and skipped; good rows are written. Progress goes to
 * `progress(done, total)`.
 */
export async function listImport(
  store: Store,
  config: Config,
  file: string,
  defaultList: ListName,
  progress: (done: number, total: number) => void,
): Promise<ImportReport> {
  const rows = [...parseCsv(readFileSync(file, 'utf8'))];
  const [header, ...data] = rows;
  if (!header) throw new DoormanError('CSV_EMPTY', `${file} is empty`);
  const cols = header[1].map((h) => h.trim().toLowerCase());
  const numberAt = cols.indexOf('number');
  if (numberAt < 0)
    throw new DoormanError('CSV_HEADER', `${file}: the first row must name the columns, including "number"`);
  const report: ImportReport = { imported: 0, rejected: [] };
  let done = 0;
  for (const [line, fields] of data) {
    const get = (c: string) => {
      const i = cols.indexOf(c);
      const v = i >= 0 ? fields[i]?.trim() : undefined;
      return v ? v : undefined;
    };
    try {
      const n = normalizeNumber(get('number') ?? '', config.numbers.defaultCountry);
      if (n.anonymous) throw new Error('no number');
      const list = (get('list') ?? defaultList) as ListName;
      if (list !== 'allow' && list !== 'block') throw new Error(`list must be allow or block, not "${list}"`);
      const source = (get('source') ?? 'import') as CallerSource;
      if (!CALLER_SOURCES.includes(source)) throw new Error(`unknown source "${source}"`);
      await store.upsertCaller({
        number: n.key,
        rawNumber: n.raw,
        list,
        source,
        name: get('name') ?? null,
        destination: checkDestination(config, get('destination')),
        scope: get('scope') ?? '',
        expiresAt: checkExpiry(get('expires_at')),
        note: get('note') ?? null,
        addedBy: `import (${file.split('/').pop()})`,
      });
      report.imported++;
    } catch (e) {
      report.rejected.push({ line, reason: e instanceof Error ? e.message : String(e) });
    }
    progress(++done, data.length);
  }
  return report;
}

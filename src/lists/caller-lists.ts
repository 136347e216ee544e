import { requireDestination } from '../config/destinations.js';
import type { Config } from '../config/schema.js';
import { InvalidInputError } from '../errors.js';
import { normalizeNumber } from '../match/caller-id.js';
import { CALLER_SOURCES, type CallerSource, type ListName } from '../store/schema.js';
import type { CallerInput, CallerRow, Store } from '../store/store.js';
import { EXPORT_BATCH, IMPORT_BATCH, IMPORT_MAX_ROWS, yieldToLoop } from './bulk.js';
import { csvField, parseCsv } from './csv.js';

/**
 * The caller lists as people edit them (the CLI and the admin API alike): what a valid entry
 * is, and the CSV exchange format.
 */

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

export function checkDestination(config: Config, destination: string | null | undefined): string | null {
  return destination ? requireDestination(config.destinations, destination) : null;
}

export function checkExpiry(value: string | null | undefined): string | null {
  if (!value) return null;
  const t = new Date(value);
  if (Number.isNaN(t.getTime()))
    throw new InvalidInputError(
      'BAD_DATE',
      `"${value}" is not a date (use e.g. 2027-01-31 or 2027-01-31T18:00:00Z)`,
      { value },
    );
  return t.toISOString();
}

/** A list entry as a person describes it, before it is checked and normalised. */
export interface CallerEntry {
  number: string;
  list: ListName;
  source: CallerSource;
  addedBy: string;
  name?: string | null;
  destination?: string | null;
  scope?: string | null;
  expires?: string | null;
  note?: string | null;
}

/** Checks and normalises an entry: a real number (not withheld), a known destination, a date. */
export function callerInput(config: Config, e: CallerEntry): CallerInput {
  const n = normalizeNumber(e.number, config.numbers.defaultCountry);
  if (n.anonymous) throw new InvalidInputError('BAD_NUMBER', `"${e.number}" is not a number`);
  return {
    number: n.key,
    rawNumber: n.raw,
    list: e.list,
    source: e.source,
    name: e.name ?? null,
    destination: checkDestination(config, e.destination),
    scope: e.scope ?? '',
    expiresAt: checkExpiry(e.expires),
    note: e.note ?? null,
    addedBy: e.addedBy,
  };
}

/**
 * Writes the lists as CSV (CSV_COLUMNS), defused against formula injection; returns the row
 * count. Reads in keyset-paged batches and yields to the event loop between them; `write` may
 * return a promise (to wait for a full output stream to drain) and is awaited.
 */
export async function listExport(
  store: Store,
  list: ListName | undefined,
  write: (s: string) => unknown,
): Promise<number> {
  await write(`${CSV_COLUMNS.join(',')}\n`);
  let count = 0;
  let after: CallerRow | undefined;
  for (;;) {
    const rows = await store.listCallers({
      ...(list ? { list } : {}),
      limit: EXPORT_BATCH,
      ...(after ? { after } : {}),
    });
    let chunk = '';
    for (const r of rows)
      chunk += `${[r.number, r.name, r.list, r.destination, r.source, r.scope, r.expires_at, r.note].map(csvField).join(',')}\n`;
    if (chunk) await write(chunk);
    count += rows.length;
    if (rows.length < EXPORT_BATCH) return count;
    after = rows[rows.length - 1];
    await yieldToLoop();
  }
}

export interface ImportReport {
  imported: number;
  rejected: Array<{ line: number; reason: string }>;
}

export interface ImportOptions {
  /** For rows without a `list` column. */
  defaultList: ListName;
  /** Who the entries are recorded as added by. */
  addedBy: string;
  /** Names the input in errors (a file name). */
  source: string;
  progress?: (done: number, total: number) => void;
}

/**
 * Imports CSV text (header row naming any of CSV_COLUMNS; `number` required). Bad rows are
 * reported with their line numbers and skipped; good rows are written.
 *
 * Big files run in batches: the text is parsed (and counted) first, yielding to the event loop
 * every 2,000 rows, and a file of more than IMPORT_MAX_ROWS rows is refused before anything
 * is written. Then each batch of IMPORT_BATCH good rows is written in one transaction, with a turn
 * of the event loop between batches so calls keep being screened. A database failure part-way
 * leaves the batches before it written (the error says how many rows).
 */
export async function importCallersCsv(
  store: Store,
  config: Config,
  text: string,
  opts: ImportOptions,
): Promise<ImportReport> {
  const parsed = parseCsv(text);
  const first = parsed.next();
  if (first.done) throw new InvalidInputError('CSV_EMPTY', `${opts.source} is empty`);
  const header = first.value;
  const cols = header[1].map((h) => h.trim().toLowerCase());
  if (!cols.includes('number'))
    throw new InvalidInputError(
      'CSV_HEADER',
      `${opts.source}: the first row must name the columns, including "number"`,
    );
  const data: Array<[number, string[]]> = [];
  for (const row of { [Symbol.iterator]: () => parsed }) {
    if (data.length >= IMPORT_MAX_ROWS)
      throw new InvalidInputError(
        'CSV_TOO_MANY_ROWS',
        `${opts.source} has more than ${IMPORT_MAX_ROWS} rows (the most one import takes); nothing was imported. Split it into smaller files.`,
        { limit: IMPORT_MAX_ROWS },
      );
    data.push(row);
    // Parsing is cheap (2,000 rows are ~2 ms), the writes are what need small batches.
    if (data.length % 2000 === 0) await yieldToLoop();
  }
  const report: ImportReport = { imported: 0, rejected: [] };
  const index = new Map(cols.map((c, i) => [c, i] as const));
  let done = 0;
  for (let start = 0; start < data.length; start += IMPORT_BATCH) {
    const batch: CallerInput[] = [];
    for (const [line, fields] of data.slice(start, start + IMPORT_BATCH)) {
      const get = (c: string) => {
        const i = index.get(c);
        const v = i === undefined ? undefined : fields[i]?.trim();
        return v ? v : undefined;
      };
      try {
        const list = (get('list') ?? opts.defaultList) as ListName;
        if (list !== 'allow' && list !== 'block')
          throw new Error(`list must be allow or block, not "${list}"`);
        const source = (get('source') ?? 'import') as CallerSource;
        if (!CALLER_SOURCES.includes(source)) throw new Error(`unknown source "${source}"`);
        const number = get('number');
        if (!number) throw new Error('no number');
        batch.push(
          callerInput(config, {
            number,
            list,
            source,
            name: get('name'),
            destination: get('destination'),
            scope: get('scope'),
            expires: get('expires_at'),
            note: get('note'),
            addedBy: opts.addedBy,
          }),
        );
      } catch (e) {
        report.rejected.push({ line, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    try {
      await store.upsertCallers(batch);
    } catch (e) {
      if (report.imported === 0) throw e;
      throw new ImportFailedError(report.imported, e);
    }
    report.imported += batch.length;
    done = Math.min(data.length, start + IMPORT_BATCH);
    opts.progress?.(done, data.length);
    await yieldToLoop();
  }
  return report;
}

/** A database failure part-way through an import: the rows written before it stay written. */
export class ImportFailedError extends Error {
  constructor(
    readonly imported: number,
    cause: unknown,
  ) {
    super(
      `the import stopped part-way: the first ${imported} good rows were written, the rest were not (${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
  }
}

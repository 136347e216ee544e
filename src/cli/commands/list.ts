import { readFileSync, statSync } from 'node:fs';
import type { Config } from '../../config/schema.js';
import { InvalidInputError } from '../../errors.js';
import { IMPORT_MAX_BYTES } from '../../lists/bulk.js';
import { callerInput, type ImportReport, importCallersCsv, listExport } from '../../lists/caller-lists.js';
import { normalizeNumber } from '../../match/caller-id.js';
import type { ListName } from '../../store/schema.js';
import { Store } from '../../store/store.js';
import { printImportReport, progressPrinter } from '../import-report.js';
import { writeOut } from '../terminal.js';
import { type Flags, UsageError } from '../usage.js';

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

export async function listAdd(store: Store, config: Config, number: string, f: ListFlags): Promise<string> {
  const row = await store.upsertCaller(
    callerInput(config, {
      number,
      list: listOf(f),
      source: 'manual',
      name: f.name,
      destination: f.destination,
      scope: f.scope,
      expires: f.expires,
      note: f.note,
      addedBy: `cli (${process.env.USER ?? 'unknown'})`,
    }),
  );
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

/** Imports a CSV file; progress goes to `progress(done, total)`. */
export async function listImport(
  store: Store,
  config: Config,
  file: string,
  defaultList: ListName,
  progress: (done: number, total: number) => void,
): Promise<ImportReport> {
  if (statSync(file).size > IMPORT_MAX_BYTES)
    throw new InvalidInputError(
      'CSV_TOO_LARGE',
      `${file} is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB, the most one import takes; nothing was imported. Split it into smaller files.`,
      { limit: IMPORT_MAX_BYTES },
    );
  return importCallersCsv(store, config, readFileSync(file, 'utf8'), {
    defaultList,
    addedBy: `import (${file.split('/').pop()})`,
    source: file,
    progress,
  });
}

export async function cmdList(config: Config, args: string[], v: Flags): Promise<void> {
  const [action, target] = args;
  const flags = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as ListFlags;
  const needs = (what: string) => {
    if (!target) throw new UsageError(`list ${action} needs ${what}`);
    return target;
  };
  const store = await Store.open(config.store);
  try {
    switch (action) {
      case 'add':
        console.log(await listAdd(store, config, needs('a NUMBER'), flags));
        return;
      case 'remove': {
        const removed = await listRemove(store, config, needs('a NUMBER'), flags);
        console.log(removed ? 'removed' : 'not on the list');
        process.exitCode = removed ? 0 : 1;
        return;
      }
      case 'show': {
        const list = v.block ? 'block' : v.allow ? 'allow' : undefined;
        const rows = await store.listCallers({ ...(list ? { list } : {}), limit: Number(v.limit ?? 100) });
        for (const r of rows) {
          writeOut(
            `${[
              r.list,
              r.number,
              r.destination ?? '-',
              r.source,
              `hits=${r.hits}`,
              r.name ? JSON.stringify(r.name) : '',
              r.scope ? `scope=${r.scope}` : '',
            ]
              .filter(Boolean)
              .join('  ')}\n`,
          );
        }
        return;
      }
      case 'export':
        await listExport(store, v.block ? 'block' : v.allow ? 'allow' : undefined, writeOut);
        return;
      case 'import': {
        const file = needs('a CSV file');
        const report = await listImport(store, config, file, v.block ? 'block' : 'allow', progressPrinter());
        printImportReport(file, report);
        return;
      }
      default:
        throw new UsageError(`list needs add, remove, show, import or export`);
    }
  } finally {
    await store.close();
  }
}

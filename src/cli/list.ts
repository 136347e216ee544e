import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { callerInput, type ImportReport, importCallersCsv } from '../lists/caller-lists.js';
import { normalizeNumber } from '../match/caller-id.js';
import type { ListName } from '../store/schema.js';
import type { Store } from '../store/store.js';

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
  return importCallersCsv(store, config, readFileSync(file, 'utf8'), {
    defaultList,
    addedBy: `import (${file.split('/').pop()})`,
    source: file,
    progress,
  });
}

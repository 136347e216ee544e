import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Config } from '../../config/schema.js';
import { DoormanError } from '../../errors.js';
import { IMPORT_MAX_BYTES } from '../../lists/bulk.js';
import {
  applyFreepbxImport,
  FREEPBX_FAMILIES,
  type FreepbxEntry,
  parseAstdbShow,
  parseFreepbxCsv,
  planFreepbxImport,
} from '../../lists/freepbx-import.js';
import type { ListName } from '../../store/schema.js';
import { Store } from '../../store/store.js';
import { type Flags, str, UsageError } from '../usage.js';

const ASTERISK_TIMEOUT_MS = 15_000;

/** Reads a family from Asterisk's database through its CLI (`asterisk -rx` by default). */
async function readAstdb(cli: string, list: ListName): Promise<FreepbxEntry[]> {
  const [cmd, ...args] = cli.split(/\s+/).filter(Boolean);
  if (!cmd) throw new UsageError('--asterisk-cli is empty');
  try {
    const { stdout } = await promisify(execFile)(cmd, [...args, `database show ${FREEPBX_FAMILIES[list]}`], {
      timeout: ASTERISK_TIMEOUT_MS,
      maxBuffer: IMPORT_MAX_BYTES,
    });
    return parseAstdbShow(stdout, list);
  } catch (e) {
    throw new DoormanError(
      'ASTERISK_CLI',
      `could not read FreePBX's ${FREEPBX_FAMILIES[list]} from Asterisk with "${cli}": ${(e as Error).message.split('\n')[0]}`,
    );
  }
}

async function readCsv(file: string, list: ListName): Promise<FreepbxEntry[]> {
  const text = await readFile(file, 'utf8').catch((e: Error) => {
    throw new DoormanError('FILE', `cannot read ${file}: ${e.message}`);
  });
  if (Buffer.byteLength(text) > IMPORT_MAX_BYTES)
    throw new DoormanError('FILE', `${file} is over ${IMPORT_MAX_BYTES} bytes`);
  return parseFreepbxCsv(text, list, file);
}

/**
 * `doorman freepbx-import [--astdb] [--blacklist FILE.csv] [--allowlist FILE.csv] [--dry-run]`:
 * FreePBX's Blacklist and Allowlist modules' numbers onto Doorman's lists.
 */
export async function cmdFreepbxImport(config: Config, _args: string[], v: Flags): Promise<void> {
  const files = { block: str(v, 'blacklist'), allow: str(v, 'allowlist') };
  if (!v.astdb && !files.block && !files.allow)
    throw new UsageError('freepbx-import needs --astdb, --blacklist FILE.csv or --allowlist FILE.csv');
  const entries: FreepbxEntry[] = [];
  for (const list of ['block', 'allow'] as const) {
    if (v.astdb) entries.push(...(await readAstdb(str(v, 'asterisk-cli') ?? 'asterisk -rx', list)));
    const file = files[list];
    if (file) entries.push(...(await readCsv(file, list)));
  }
  const store = await Store.open(config.store);
  try {
    const plan = await planFreepbxImport(store, config, entries);
    const dry = v['dry-run'] === true;
    const count = (list: ListName) => plan.add.filter((a) => a.list === list).length;
    console.log(
      `${dry ? 'would add' : 'adding'}: ${count('block')} to the block list, ${count('allow')} to the allow list; ${plan.already.length} already there; ${plan.conflicts.length} conflicts (left alone); ${plan.rejected.length} not numbers`,
    );
    for (const a of plan.add) console.log(`  ${a.list}\t${a.number}${a.name ? `\t${a.name}` : ''}`);
    for (const c of plan.conflicts) console.log(`  conflict\t${c.number}\t${c.why}`);
    for (const r of plan.rejected) console.log(`  rejected\t${r.number}\t${r.reason}`);
    if (dry) return;
    console.log(`added ${await applyFreepbxImport(store, plan)}`);
  } finally {
    await store.close();
  }
}

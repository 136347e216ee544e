import type { Config } from '../config/schema.js';
import { InvalidInputError } from '../errors.js';
import type { ListName } from '../store/schema.js';
import type { CallerInput, Store } from '../store/store.js';
import { IMPORT_BATCH, IMPORT_MAX_ROWS, yieldToLoop } from './bulk.js';
import { callerInput } from './caller-lists.js';
import { parseCsv } from './csv.js';

/** FreePBX's lists, as its Blacklist and Allowlist modules keep them in Asterisk's database. */
export const FREEPBX_FAMILIES = { block: 'blacklist', allow: 'allowlist' } as const satisfies Record<
  ListName,
  string
>;

/**
 * Keys of those families that are the modules' settings, not numbers: the destination, "block
 * unknown callers", "allow known callers", outbound auto-add, and per-DID switches.
 */
const SETTING_KEYS = /^(dest|blocked|knowncallers|autoadd|did.*)$/;

export interface FreepbxEntry {
  list: ListName;
  number: string;
  /** The module's description; FreePBX writes 1 for a number added by feature code. */
  description: string;
}

/** `database show <family>` as `asterisk -rx` prints it: `/family/key : value` per line. */
export function parseAstdbShow(text: string, list: ListName): FreepbxEntry[] {
  const family = FREEPBX_FAMILIES[list];
  const out: FreepbxEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\/([^/]+)\/(.+?)\s*:\s?(.*)$/.exec(line.trim());
    if (!m || m[1] !== family) continue;
    const key = (m[2] as string).trim();
    if (SETTING_KEYS.test(key)) continue;
    out.push({ list, number: key, description: (m[3] ?? '').trim() });
  }
  return out;
}

/** The modules' CSV export: `number,description`, with or without that header. */
export function parseFreepbxCsv(text: string, list: ListName, source: string): FreepbxEntry[] {
  const out: FreepbxEntry[] = [];
  for (const [line, fields] of parseCsv(text)) {
    const [number = '', description = ''] = fields.map((f) => f.trim());
    if (line === 1 && number.toLowerCase() === 'number') continue;
    if (!number) continue;
    if (out.length >= IMPORT_MAX_ROWS)
      throw new InvalidInputError('CSV_TOO_MANY_ROWS', `${source} has more than ${IMPORT_MAX_ROWS} rows`);
    if (!SETTING_KEYS.test(number)) out.push({ list, number, description });
  }
  return out;
}

export interface FreepbxPlan {
  /** New to Doorman, or moving in from nowhere: will be written. */
  add: CallerInput[];
  /** Already on that list in Doorman: left as they are. */
  already: string[];
  /** On Doorman's other list, or on both of FreePBX's: left as they are, for the admin to decide. */
  conflicts: Array<{ number: string; list: ListName; why: string }>;
  /** Not a number Doorman can list (withheld, letters). */
  rejected: Array<{ number: string; reason: string }>;
}

/**
 * What importing FreePBX's entries would change, worked out without writing: the dry run
 * prints this, and the import writes exactly its `add`. An entry FreePBX lists on both lists,
 * or Doorman lists on the other one, is reported and left alone.
 */
export async function planFreepbxImport(
  store: Store,
  config: Config,
  entries: readonly FreepbxEntry[],
): Promise<FreepbxPlan> {
  const plan: FreepbxPlan = { add: [], already: [], conflicts: [], rejected: [] };
  const seen = new Map<string, ListName>();
  for (const [i, e] of entries.entries()) {
    let input: CallerInput;
    try {
      input = callerInput(config, {
        number: e.number,
        list: e.list,
        source: 'import',
        addedBy: `FreePBX ${FREEPBX_FAMILIES[e.list]}`,
        name: e.description && e.description !== '1' ? e.description.slice(0, 255) : null,
      });
    } catch (err) {
      plan.rejected.push({ number: e.number, reason: (err as Error).message });
      continue;
    }
    const other = seen.get(input.number);
    if (other === e.list) continue;
    if (other) {
      plan.conflicts.push({ number: input.number, list: e.list, why: 'FreePBX lists it both ways' });
      plan.add = plan.add.filter((a) => a.number !== input.number);
      continue;
    }
    seen.set(input.number, e.list);
    const listed = await store.lookup(input.number);
    if (listed[e.list]) plan.already.push(input.number);
    else if (listed[e.list === 'allow' ? 'block' : 'allow'])
      plan.conflicts.push({
        number: input.number,
        list: e.list,
        why: `FreePBX: ${e.list}, Doorman: ${e.list === 'allow' ? 'block' : 'allow'}`,
      });
    else plan.add.push(input);
    if (i % 500 === 499) await yieldToLoop();
  }
  return plan;
}

/** Writes a plan's additions in batches that let calls through. */
export async function applyFreepbxImport(store: Store, plan: FreepbxPlan): Promise<number> {
  for (let start = 0; start < plan.add.length; start += IMPORT_BATCH) {
    await store.upsertCallers(plan.add.slice(start, start + IMPORT_BATCH));
    await yieldToLoop();
  }
  return plan.add.length;
}

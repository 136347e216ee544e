// Caller-list lookups at scale: fills a fresh database with N entries (default 1,000,000) on
// SQLite and on PostgreSQL, then times single lookups and the whole pre-answer pipeline
// (bypass + block list + name rules + allow list) the way a call runs it. Prints a table and
// writes bench/results/lookup.md.
//
//   npx tsx bench/lookup.ts [--entries N] [--lookups N] [--pg URL]
//   (--pg defaults to DOORMAN_TEST_PG_URL or postgres://postgres@127.0.0.1:5432/test; a
//    database doorman_bench is created there and dropped afterwards)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { normalizeNumber } from '../src/match/caller-id.js';
import { NameRules } from '../src/match/name-rules.js';
import { NumberRules } from '../src/match/number-rules.js';
import type { CheckContext } from '../src/policy/check.js';
import { allowlistCheck } from '../src/policy/checks/allowlist.js';
import { blocklistCheck } from '../src/policy/checks/blocklist.js';
import { bypassCheck } from '../src/policy/checks/bypass.js';
import { runChecks } from '../src/policy/pipeline.js';
import { NumberRuleStore } from '../src/store/number-rule-store.js';
import type { NumberRulesTable } from '../src/store/schema.js';
import { readBypass } from '../src/store/screening-state.js';
import { Store } from '../src/store/store.js';
import { Cached } from '../src/util/cached.js';
import { machine, percentile, publish, publishSummary, type SummaryRow } from './report.js';

const { values } = parseArgs({
  options: { entries: { type: 'string' }, lookups: { type: 'string' }, pg: { type: 'string' } },
});
const N = Number(values.entries ?? 1_000_000);
const LOOKUPS = Number(values.lookups ?? 5_000);
/** Prefix, range and neighbour rules beside the lists (none covering the numbers looked up). */
const NUMBER_RULES = 10_000;
const PG_ADMIN = values.pg ?? process.env.DOORMAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const numberAt = (i: number) => `+1${String(2_000_000_000 + i * 7).padStart(10, '0')}`;

/** Bulk load through Kysely in batches (one transaction each): the same schema Doorman uses. */
async function fill(store: Store): Promise<number> {
  const t0 = performance.now();
  const now = new Date().toISOString();
  const batch = store.kind === 'sqlite' ? 20_000 : 5_000;
  for (let start = 0; start < N; start += batch) {
    const rows: Array<import('kysely').Insertable<import('../src/store/schema.js').CallersTable>> = [];
    for (let i = start; i < Math.min(N, start + batch); i++) {
      rows.push({
        id: `bench-${i}`,
        number: numberAt(i),
        raw_number: numberAt(i),
        name: `Caller ${i}`,
        list: i % 10 === 0 ? ('block' as const) : ('allow' as const),
        destination: 'desk',
        source: 'import' as const,
        added_by: 'bench',
        scope: '',
        created_at: now,
        updated_at: now,
        last_seen_at: null,
        hits: 0,
        expires_at: null,
        note: null,
      });
    }
    // Statements take at most 32,766 (SQLite) / 65,535 (PostgreSQL) parameters; 15 per row.
    const chunk = 2_000;
    await store.db.transaction().execute(async (tx) => {
      for (let k = 0; k < rows.length; k += chunk)
        await tx
          .insertInto('callers')
          .values(rows.slice(k, k + chunk))
          .execute();
    });
  }
  return (performance.now() - t0) / 1000;
}

/** Rules beside the lists: prefixes (area codes), ranges and a neighbour rule, none covering the numbers looked up. */
async function addNumberRules(store: Store): Promise<void> {
  const created_at = new Date().toISOString();
  const rows: NumberRulesTable[] = Array.from({ length: NUMBER_RULES }, (_, k) => {
    const head = `+7${String(100_000 + k)}`;
    const range = k % 3 === 0;
    return {
      id: `rule-${k}`,
      list: k % 2 ? 'allow' : 'block',
      kind: range ? 'range' : 'prefix',
      pattern: range ? `${head}00-${head}49` : head,
      destination: null,
      note: null,
      created_at,
    };
  });
  rows.push({
    id: 'neighbour',
    list: 'block',
    kind: 'neighbour',
    pattern: '9',
    destination: null,
    note: null,
    created_at,
  });
  await store.db.deleteFrom('number_rules').execute();
  for (let k = 0; k < rows.length; k += 1_000)
    await store.db
      .insertInto('number_rules')
      .values(rows.slice(k, k + 1_000))
      .execute();
}

async function measure(store: Store) {
  const lookup: number[] = [];
  const pipeline: number[] = [];
  const names = new Cached(async () => new NameRules(await store.nameRules()), 10_000);
  const bypass = new Cached(() => readBypass(store), 2_000);
  await store.addNameRule('regex', '^V[0-9]+$');
  await addNumberRules(store);
  const numbers = new Cached(async () => new NumberRules(await new NumberRuleStore(store).list()), 10_000);
  for (let k = 0; k < LOOKUPS; k++) {
    // Half the lookups hit a listed number, half miss.
    const i = Math.floor(Math.random() * N);
    const number = k % 2 ? numberAt(i) : numberAt(i).replace('+1', '+44');
    let t = performance.now();
    await store.lookup(number);
    lookup.push(performance.now() - t);

    const caller = normalizeNumber(number, 'US');
    const ctx: CheckContext = {
      caller,
      callerName: 'Some Caller',
      did: '15550001000',
      route: { unknown: 'desk', blocked: 'blocked', blockAnonymous: false },
      now: new Date(),
      lists: () => store.lookup(caller.key, '15550001000'),
      bypass: () => bypass.get(),
      flooded: () => null,
      hasDestination: () => true,
      nameRule: async (list) => (await names.get()).match('Some Caller', list),
      numberRule: async (list) => (await numbers.get()).match(list, caller.key, '+15550001000'),
    };
    t = performance.now();
    await runChecks([bypassCheck, blocklistCheck, allowlistCheck], ctx, { timeoutMs: 5_000 });
    pipeline.push(performance.now() - t);
  }
  return { lookup, pipeline };
}

const rows: string[] = [];
const summary: SummaryRow[] = [];
async function run(name: string, url: string) {
  const store = await Store.open({ url, timeoutMs: 60_000 });
  try {
    const fillS = await fill(store);
    const m = await measure(store);
    const f = (xs: number[], p: number) => percentile(xs, p).toFixed(3);
    rows.push(
      `| ${name} | ${N.toLocaleString('en')} | ${fillS.toFixed(1)} s | ${f(m.lookup, 0.5)} | ${f(m.lookup, 0.99)} | ${f(m.pipeline, 0.5)} | ${f(m.pipeline, 0.99)} |`,
    );
    const targetMs = name.startsWith('SQLite') ? 1 : 3;
    const p99 = percentile(m.lookup, 0.99);
    summary.push({
      metric: `lookup p99, ${name}, ${N.toLocaleString('en')} entries`,
      value: `${p99.toFixed(3)} ms`,
      target: `≤ ${targetMs} ms`,
      ok: p99 <= targetMs,
    });
    console.error(`${name}: done`);
  } finally {
    await store.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'doorman-bench-'));
await run('SQLite (file, WAL)', `sqlite:${join(dir, 'bench.db')}`);

const admin = new pg.Client({ connectionString: PG_ADMIN });
await admin.connect();
await admin.query('drop database if exists doorman_bench with (force)');
await admin.query('create database doorman_bench');
try {
  const url = new URL(PG_ADMIN);
  url.pathname = '/doorman_bench';
  await run('PostgreSQL (loopback)', url.toString());
} finally {
  await admin.query('drop database if exists doorman_bench with (force)');
  await admin.end();
}

const text = [
  `Caller-list lookups (${new Date().toISOString().slice(0, 10)}, ${machine()}, ${LOOKUPS} lookups, half hits; the pipeline beside ${NUMBER_RULES.toLocaleString('en')} number rules)`,
  '',
  '| database | entries | load time | lookup p50 (ms) | lookup p99 (ms) | pre-answer pipeline p50 (ms) | pipeline p99 (ms) |',
  '|---|---|---|---|---|---|---|',
  ...rows,
  '',
  'Targets: lookup p99 ≤ 1 ms (SQLite), ≤ 3 ms (PostgreSQL).',
  '',
].join('\n');
publish('lookup', text);
publishSummary('lookup', summary);

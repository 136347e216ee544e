import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pruneRecordings } from '../../src/calls/recording-retention.js';
import { loadDirectoryFile } from '../../src/challenge/setup.js';
import { readBackup, restoreBackup, restorePlan } from '../../src/store/backup.js';
import { DirectoryStore } from '../../src/store/directory-store.js';
import { NumberRuleStore } from '../../src/store/number-rule-store.js';
import { PinSets } from '../../src/store/pin-sets.js';
import { readBypass, setScreening } from '../../src/store/screening-state.js';
import { Store } from '../../src/store/store.js';
import { WebAuthStore } from '../../src/store/web-auth.js';
import { Accounts } from '../../src/web/auth/accounts.js';
import { cliArgs } from '../support/cli.js';
import { type TestDatabase, testDatabases } from '../support/databases.js';
import { callRow } from '../support/web.js';

/** `doorman ...args` against a database; asynchronous, so the test's own stores keep answering. */
function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, cliArgs(...args), { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Fills a store with some of everything a backup holds. */
async function fill(store: Store): Promise<string> {
  for (let i = 0; i < 2_500; i++)
    await store.db
      .insertInto('callers')
      .values({
        id: `c${String(i).padStart(5, '0')}`,
        number: `+1555${String(i).padStart(7, '0')}`,
        raw_number: `555${String(i).padStart(7, '0')}`,
        name: i % 2 ? `Caller ${i}` : null,
        list: i % 3 ? 'allow' : 'block',
        destination: i % 3 ? 'desk' : null,
        source: 'import',
        added_by: 'test',
        scope: '',
        created_at: '2026-12-01T00:00:00.000Z',
        updated_at: '2026-12-01T00:00:00.000Z',
        last_seen_at: null,
        expires_at: null,
        note: null,
      })
      .execute();
  await store.upsertCaller({
    number: '+15557770001',
    rawNumber: '5557770001',
    list: 'allow',
    source: 'manual',
    destination: 'voicemail',
  });
  await store.addNameRule('regex', '^V[0-9]+$', { list: 'block' });
  await new NumberRuleStore(store).add({
    list: 'block',
    kind: 'prefix',
    pattern: '+1900',
    destination: null,
  });
  await new DirectoryStore(store).replaceAll(loadDirectoryFile('test/fixtures/directory.yaml'));
  const pins = new PinSets(store);
  await pins.createSet('staff');
  await pins.putPin('staff', 'alice', '4821');
  await setScreening(store, false);
  const accounts = new Accounts(new WebAuthStore(store), 3_600_000);
  await accounts.setPassword('admin', 'correct horse battery');
  return (await accounts.createToken('scripts')).token;
}

async function dump(store: Store) {
  const out: Record<string, unknown[]> = {};
  for (const t of [
    'callers',
    'name_rules',
    'number_rules',
    'directory_entries',
    'pin_sets',
    'pins',
    'admins',
    'api_tokens',
    'settings',
  ] as const)
    out[t] = (await store.db.selectFrom(t).selectAll().execute())
      .map((r) =>
        JSON.stringify(
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])),
        ),
      )
      .sort();
  return out;
}

describe('backup and restore', () => {
  let dbs: TestDatabase[];
  const dir = mkdtempSync(join(tmpdir(), 'doorman-backup-'));
  before(async () => {
    dbs = [...(await testDatabases()), ...(await testDatabases())];
  });
  after(async () => {
    for (const db of dbs) await db.drop();
  });

  it('restores a backup into an empty database of any kind, and what it holds works the same', async () => {
    const [sqlite, pg, mysql, sqlite2, pg2, mysql2] = dbs as [
      TestDatabase,
      TestDatabase,
      TestDatabase,
      TestDatabase,
      TestDatabase,
      TestDatabase,
    ];
    // Each kind backed up and restored into another kind: SQLite -> PostgreSQL -> MariaDB -> SQLite.
    for (const [from, into] of [
      [sqlite, pg2],
      [pg, mysql2],
      [mysql, sqlite2],
    ] as const) {
      const source = await Store.open({ url: from.url, timeoutMs: 10_000 });
      const target = await Store.open({ url: into.url, timeoutMs: 10_000 });
      try {
        const token = await fill(source);
        const file = join(dir, `${from.name}.jsonl`);
        const made = await runCli(['backup', file], { DOORMAN_STORE_URL: from.url });
        assert.equal(made.code, 0, made.stderr);
        assert.match(made.stderr, /backed up \d+ rows: \d settings, 2501 callers/);

        const dry = await runCli(['restore', file, '--dry-run'], { DOORMAN_STORE_URL: into.url });
        assert.equal(dry.code, 0, dry.stderr);
        assert.match(dry.stdout, /callers\t2501 in the backup\t0 in the database/);
        assert.equal(
          (await restorePlan(target, await readBackup(file))).find((p) => p.table === 'callers')?.inDatabase,
          0,
          'a dry run writes nothing',
        );

        const done = await runCli(['restore', file], { DOORMAN_STORE_URL: into.url });
        assert.equal(done.code, 0, done.stderr);
        assert.deepEqual(await dump(target), await dump(source), `${from.name} -> ${into.name}`);
        // What the checks and the PIN route read works on the restored copy.
        assert.equal((await target.lookup('+15557770001')).allow?.destination, 'voicemail');
        assert.ok((await target.lookup('+15550000003')).block);
        assert.equal(await new PinSets(target).labelFor('staff', '4821'), 'alice');
        assert.equal((await readBypass(target)).off, true);
        const accounts = new Accounts(new WebAuthStore(target), 3_600_000);
        assert.ok(await accounts.login('admin', 'correct horse battery'));
        assert.ok(await accounts.tokenFor(token));

        const again = await runCli(['restore', file], { DOORMAN_STORE_URL: into.url });
        assert.equal(again.code, 1);
        assert.match(again.stderr, /not empty .*2501 callers.*--replace/);
      } finally {
        await source.close();
        await target.close();
      }
    }
  });

  it('refuses a backup cut short or tampered with, and writes nothing of it', async () => {
    const [sqlite] = dbs as [TestDatabase];
    const file = join(dir, 'sqlite.jsonl');
    const whole = readFileSync(file, 'utf8').trimEnd().split('\n');
    const cut = join(dir, 'cut.jsonl');
    writeFileSync(cut, `${whole.slice(0, -50).join('\n')}\n`);
    await assert.rejects(readBackup(cut), /cut short/);
    const short = join(dir, 'short.jsonl');
    writeFileSync(short, `${[...whole.slice(0, 3), ...whole.slice(4)].join('\n')}\n`);
    await assert.rejects(readBackup(short), /says \d+ \w+ rows but holds/);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${[whole[0], '{"table":"calls","row":{}}', whole.at(-1)].join('\n')}\n`);
    await assert.rejects(readBackup(bad), /unknown table "calls"/);

    // A row the database refuses rolls the whole restore back.
    const store = await Store.open({ url: sqlite.url, timeoutMs: 10_000 });
    const empty = await Store.open({ url: `sqlite:${join(dir, 'empty.db')}`, timeoutMs: 10_000 });
    try {
      const backup = await readBackup(file);
      backup.rows.pins.push({ ...(backup.rows.pins[0] as Record<string, string>), no_such_column: 'x' });
      await assert.rejects(restoreBackup(empty, backup), /nothing was restored/);
      assert.equal((await empty.db.selectFrom('callers').selectAll().execute()).length, 0);
      await restoreBackup(store, await readBackup(file), { replace: true });
      assert.equal((await store.db.selectFrom('callers').selectAll().execute()).length, 2501);
    } finally {
      await store.close();
      await empty.close();
    }
  });
});

describe('recording retention', () => {
  it('removes day folders past the retention with their call log references, and keeps the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doorman-rec-'));
    const store = await Store.open({ url: `sqlite:${join(dir, 'doorman.db')}`, timeoutMs: 5_000 });
    try {
      const now = new Date('2026-12-06T12:00:00Z');
      for (const day of ['2026-11-01', '2026-11-28', '2026-12-05']) {
        mkdirSync(join(dir, day));
        writeFileSync(join(dir, day, 'c.wav'), 'RIFF');
        await store.recordCall(
          callRow(`call-${day}`, { started_at: `${day}T10:00:00.000Z`, recording: join(dir, day, 'c.wav') }),
        );
      }
      utimesSync(join(dir, '2026-12-05'), now, now);
      const pruned = await pruneRecordings(store, dir, 7, now);
      assert.deepEqual(pruned, { folders: 2, calls: 2 });
      assert.equal(existsSync(join(dir, '2026-11-01')), false);
      assert.equal(existsSync(join(dir, '2026-11-28')), false);
      assert.equal(existsSync(join(dir, '2026-12-05', 'c.wav')), true);
      const rows = await store.db.selectFrom('calls').select(['id', 'recording']).orderBy('id').execute();
      assert.deepEqual(
        rows.map((r) => [r.id, r.recording !== null]),
        [
          ['call-2026-11-01', false],
          ['call-2026-11-28', false],
          ['call-2026-12-05', true],
        ],
        'the calls stay in the log; only their recordings go',
      );
    } finally {
      await store.close();
    }
  });
});

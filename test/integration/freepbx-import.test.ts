import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Store } from '../../src/store/store.js';
import { cliArgs } from '../support/cli.js';

const astdb = (command: string) =>
  execFileSync('scripts/asterisk.sh', ['cli', command], { encoding: 'utf8' });

/**
 * FreePBX's Blacklist and Allowlist modules keep their numbers in Asterisk's database
 * (families `blacklist` and `allowlist`, beside their settings). Here they are written into the
 * sandbox's AstDB as the modules would, and read back through its CLI.
 */
describe('moving over from FreePBX', () => {
  const dir = mkdtempSync(join(tmpdir(), 'doorman-freepbx-'));
  const url = `sqlite:${join(dir, 'doorman.db')}`;
  const doorman = (...args: string[]) =>
    spawnSync(
      process.execPath,
      cliArgs('freepbx-import', '--asterisk-cli', 'scripts/asterisk.sh cli', ...args),
      {
        env: { ...process.env, DOORMAN_STORE_URL: url },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );

  before(async () => {
    for (const family of ['blacklist', 'allowlist']) astdb(`database deltree ${family}`);
    astdb('database put blacklist 5551230001 "Telemarketer Inc"');
    astdb('database put blacklist 5551230002 1'); // added with the feature code
    astdb('database put blacklist blocked 1'); // the module's "block unknown callers" setting
    astdb('database put blacklist dest app-blackhole,hangup,1');
    astdb('database put allowlist 5551230010 "Mum"');
    astdb('database put allowlist 5551230011 "Dentist"');
    astdb('database put allowlist knowncallers 1');
    astdb('database put allowlist 5551230001 "on both"'); // FreePBX lists it both ways
    const store = await Store.open({ url, timeoutMs: 5_000 });
    await store.upsertCaller({
      number: '+15551230011',
      rawNumber: '5551230011',
      list: 'allow',
      source: 'manual',
    });
    await store.upsertCaller({
      number: '+15551230002',
      rawNumber: '5551230002',
      list: 'allow',
      source: 'manual',
    });
    await store.close();
  });
  after(() => {
    for (const family of ['blacklist', 'allowlist']) astdb(`database deltree ${family}`);
  });

  it('imports the numbers from Asterisk, as its dry run said it would, leaving settings and conflicts alone', async () => {
    const dry = doorman('--astdb', '--dry-run');
    assert.equal(dry.status, 0, dry.stderr);
    const planned = dry.stdout.replace('would add', 'adding');
    const store = await Store.open({ url, timeoutMs: 5_000 });
    try {
      assert.equal((await store.lookup('+15551230010')).allow, undefined, 'a dry run writes nothing');
      const done = doorman('--astdb');
      assert.equal(done.status, 0, done.stderr);
      assert.equal(done.stdout, `${planned}added 1\n`, 'the import does what the dry run said');
      assert.match(
        planned,
        /^adding: 0 to the block list, 1 to the allow list; 1 already there; 2 conflicts/,
      );
      assert.match(planned, /conflict\t\+15551230001\tFreePBX lists it both ways/);
      assert.match(planned, /conflict\t\+15551230002\tFreePBX: block, Doorman: allow/);
      const mum = (await store.lookup('+15551230010')).allow;
      assert.equal(mum?.name, 'Mum');
      assert.equal(mum?.source, 'import');
      assert.equal(mum?.added_by, 'FreePBX allowlist');
      assert.equal((await store.lookup('+15551230002')).block, undefined, 'the conflict is left alone');
      const rows = await store.db.selectFrom('callers').select('number').execute();
      assert.ok(!rows.some((r) => /blocked|dest|knowncallers/.test(r.number)), 'settings are not numbers');
    } finally {
      await store.close();
    }
  });

  it('imports the modules’ CSV exports the same way, and says what is not a number', async () => {
    const csv = join(dir, 'blacklist.csv');
    writeFileSync(csv, 'number,description\n5551239001,Robocaller\nanonymous,withheld\n');
    const r = doorman('--blacklist', csv);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /adding: 1 to the block list, 0 to the allow list/);
    assert.match(r.stdout, /rejected\tanonymous\t/);
    const missing = doorman('--allowlist', join(dir, 'nope.csv'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /cannot read .*nope\.csv/);
  });
});

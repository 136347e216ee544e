import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseDirectory } from '../../src/match/directory.js';
import { cliArgs } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'doorman-cli-dir-'));
const env = { ...process.env, DOORMAN_STORE_URL: `sqlite:${join(dir, 'doorman.db')}` };
const doorman = (...args: string[]) =>
  spawnSync(process.execPath, cliArgs('directory', ...args), {
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('doorman directory', () => {
  it('imports a YAML directory into the database and exports it back unchanged', () => {
    const imported = doorman('import', 'test/fixtures/directory.yaml');
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /imported \d+ entries/);
    const exported = doorman('export');
    assert.equal(exported.status, 0, exported.stderr);
    assert.deepEqual(
      parseDirectory(exported.stdout),
      parseDirectory(readFileSync('test/fixtures/directory.yaml', 'utf8')),
    );
  });

  it('refuses an entry whose destination does not exist, naming it, and changes nothing', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'entries:\n  - {id: x, type: person, name: X, destination: nowhere}\n');
    const r = doorman('import', bad);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /entry x: no destination named "nowhere"/);
    assert.ok(parseDirectory(doorman('export').stdout).length > 1, 'the earlier directory is still there');
  });
});

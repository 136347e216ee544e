import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Store } from '../../src/store/store.js';
import { WebAuthStore } from '../../src/store/web-auth.js';
import { Accounts } from '../../src/web/auth/accounts.js';
import { cliArgs } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'doorman-web-cli-'));
const url = `sqlite:${join(dir, 'doorman.db')}`;
const doorman = (args: string[], opts: { input?: string; env?: Record<string, string> } = {}) =>
  spawnSync(process.execPath, cliArgs(...args), {
    env: { ...process.env, DOORMAN_STORE_URL: url, ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 30_000,
  });

async function withAccounts<T>(run: (a: Accounts) => Promise<T>): Promise<T> {
  const store = await Store.open({ url, timeoutMs: 2000 });
  try {
    return await run(new Accounts(new WebAuthStore(store), 3_600_000));
  } finally {
    await store.close();
  }
}

describe('doorman admin / token', () => {
  it('sets the admin password from stdin or the environment, refusing short ones', async () => {
    const piped = doorman(['admin', 'set-password'], { input: 'a long enough password\n' });
    assert.equal(piped.status, 0, piped.stderr);
    assert.ok(await withAccounts((a) => a.login('admin', 'a long enough password')));
    const fromEnv = doorman(['admin', 'set-password', 'ops'], {
      env: { DOORMAN_ADMIN_PASSWORD: 'another password!' },
    });
    assert.equal(fromEnv.status, 0, fromEnv.stderr);
    assert.ok(await withAccounts((a) => a.login('ops', 'another password!')));
    assert.equal(await withAccounts((a) => a.login('ops', 'another password')), null);
    const short = doorman(['admin', 'set-password'], { input: 'short\n' });
    assert.equal(short.status, 1);
    assert.match(short.stderr, /at least 10 characters/);
  });

  it('creates, lists and revokes API tokens; the token is printed once and stored hashed', async () => {
    const created = doorman(['token', 'create', 'home-assistant']);
    assert.equal(created.status, 0, created.stderr);
    const token = created.stdout.trim();
    assert.match(token, /^dm_[A-Za-z0-9_-]{40,}$/);
    assert.equal((await withAccounts((a) => a.tokenFor(token)))?.name, 'home-assistant');
    const files = readdirSync(dir).filter((f) => f.startsWith('doorman.db'));
    const leaked = files.filter((f) => readFileSync(join(dir, f)).includes(token.slice(3)));
    assert.deepEqual(leaked, [], 'the token itself is in no database file');
    assert.equal(doorman(['token', 'create', 'home-assistant']).status, 1, 'names are unique');
    assert.match(doorman(['token', 'list']).stdout, /^home-assistant {2}[0-9a-f-]{36} {2}created /m);
    assert.equal(doorman(['token', 'revoke', 'home-assistant']).stdout.trim(), 'revoked "home-assistant"');
    assert.equal(await withAccounts((a) => a.tokenFor(token)), undefined);
    assert.equal(doorman(['token', 'revoke', 'home-assistant']).status, 1);
  });
});

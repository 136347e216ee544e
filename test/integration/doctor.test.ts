import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cliArgs } from '../support/cli.js';

const ROOT = process.env.ASTERISK_ROOT ?? '/opt/doorman-asterisk';
const dir = mkdtempSync(join(tmpdir(), 'doorman-doctor-'));
const env = {
  ...process.env,
  DOORMAN_STORE_URL: `sqlite:${join(dir, 'doorman.db')}`,
  DOORMAN_RECORDINGS_DIR: join(dir, 'recordings'),
  DOORMAN_STORE_QUEUE_FILE: join(dir, 'queue.jsonl'),
};
const sandbox = ['--asterisk-etc', `${ROOT}/etc/asterisk`, '--sounds', `${ROOT}/usr/share/asterisk/sounds`];
const doctor = (args: string[], extraEnv: Record<string, string> = {}) =>
  spawnSync(process.execPath, cliArgs('doctor', ...args), {
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    timeout: 90_000,
  });
const asterisk = (cmd: string) =>
  spawnSync('scripts/asterisk.sh', ['cli', cmd], { encoding: 'utf8', timeout: 30_000 });

describe('doorman doctor', () => {
  it('finds everything in place on the sandbox, down to recognising a spoken name', () => {
    const r = doctor(sandbox);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ok {4}ARI: .*Asterisk 22\./m);
    assert.match(r.stdout, /^ok {4}module chan_websocket\.so: running/m);
    assert.match(r.stdout, /^ok {4}dialplan fallback/m);
    assert.match(r.stdout, /^ok {4}speech engine: .*-> match /m);
    assert.match(r.stdout, /^ok {4}name languages: espeak-ng reads es, it, .*zh$/m);
    assert.match(r.stdout, /everything Doorman needs is in place/);
  });

  it('says what to fix: wrong ARI password, missing prompts, unreachable database, unknown language', () => {
    const r = doctor(['--sounds', dir], {
      DOORMAN_ARI_PASSWORD: 'not-the-password',
      DOORMAN_STORE_URL: 'postgres://doorman@127.0.0.1:1/none',
      DOORMAN_SPEECH_SOUNDSWALLOWER_NAME_LANGUAGES: 'es,qq,zh',
    });
    assert.equal(r.status, 1);
    assert.match(
      r.stdout,
      /^FAIL {2}ARI: Asterisk refused user "doorman" \(401\)\n {8}fix: add \[doorman\] to ari\.conf/m,
    );
    assert.match(r.stdout, /^FAIL {2}prompts: missing in .*who-to-speak-to/m);
    assert.match(r.stdout, /^FAIL {2}database: postgres:\/\/\*\*\*@127\.0\.0\.1:1\/none: .*ECONNREFUSED/m);
    assert.match(
      r.stdout,
      /^FAIL {2}name languages: espeak-ng has no language "qq" \(speech\.soundswallower\.nameLanguages\)/m,
    );
    assert.ok(!r.stdout.includes('not-the-password'));
    assert.match(r.stdout, /4 problem\(s\) found/);
  });

  it('notices a module Doorman needs is not loaded', () => {
    assert.equal(asterisk('module unload func_timeout.so').status, 0);
    try {
      const r = doctor(sandbox);
      assert.equal(r.status, 1);
      assert.match(r.stdout, /^FAIL {2}module func_timeout\.so: not loaded: needed for TIMEOUT\(absolute\)/m);
      assert.match(r.stdout, /fix: load func_timeout\.so/);
    } finally {
      asterisk('module load func_timeout.so');
    }
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { configEnvVars, loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { cliArgs } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'doorman-config-'));
function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  assert.fail('expected a ConfigError');
}

describe('config', () => {
  it('has a working default for everything', () => {
    const c = loadConfig({ env: {} });
    assert.equal(c.ari.url, 'http://127.0.0.1:8088');
    assert.equal(c.ari.app, 'doorman');
    assert.equal(c.routes.default?.unknown, 'desk');
    assert.ok(c.destinations.desk);
  });

  it('loads the shipped example file, with its commented-out PIN route switched on', () => {
    const c = loadConfig({ env: {}, file: 'docker/doorman.example.yaml' });
    assert.equal(c.routes.default?.machine, 'machines');
    const text = readFileSync('docker/doorman.example.yaml', 'utf8').replace(/^ {2}# ( {2}|"1)/gm, '  $1');
    const withPin = loadConfig({ env: {}, file: file('example-pin.yaml', text) });
    assert.equal(withPin.routes['15550006000']?.pin?.set, 'partners');
  });

  it('takes the embedded engine keys at their old place for one release, naming the new key', () => {
    const told: string[] = [];
    const onMovedKey = (m: string) => told.push(m);
    const f = file('old-speech.yaml', 'speech:\n  threads: 3\n  beam: 1e-60\n');
    const c = loadConfig({
      file: f,
      env: { DOORMAN_SPEECH_SHED_LAG_MS: '0' },
      overrides: { 'speech.poolSize': 2 },
      onMovedKey,
    });
    assert.equal(c.speech.soundswallower.threads, 3);
    assert.equal(c.speech.soundswallower.beam, 1e-60);
    assert.equal(c.speech.soundswallower.shedLagMs, 0);
    assert.equal(c.speech.soundswallower.poolSize, 2);
    assert.equal(told.length, 4);
    assert.match(
      told.join('\n'),
      /speech\.threads \(.*old-speech\.yaml\) is now speech\.soundswallower\.threads/,
    );
    assert.match(
      told.join('\n'),
      /speech\.shedLagMs \(env DOORMAN_SPEECH_SHED_LAG_MS\) is now speech\.soundswallower\.shedLagMs/,
    );
    assert.match(told.join('\n'), /speech\.poolSize \(command line\)/);

    told.length = 0;
    const both = loadConfig({
      env: {},
      overrides: { 'speech.threads': 3, 'speech.soundswallower.threads': 1 },
      onMovedKey,
    });
    assert.equal(both.speech.soundswallower.threads, 1);
    assert.match(told[0] ?? '', /also set and wins/);

    // A bad value at the old key is reported at the new one, with where it came from.
    const e = configError(() => loadConfig({ env: { DOORMAN_SPEECH_THREADS: '-1' }, onMovedKey }));
    assert.equal(e.key, 'speech.soundswallower.threads');
    assert.match(e.message, /DOORMAN_SPEECH_THREADS/);
    assert.equal(loadConfig({ env: {}, onMovedKey }).speech.soundswallower.threads, 0);
  });

  it('layers file, then env, then overrides', () => {
    const f = file(
      'layers.yaml',
      'ari:\n  url: http://10.0.0.5:8088\n  username: pbx\nlisten:\n  endSilenceMs: 600\n',
    );
    const c = loadConfig({
      file: f,
      env: { DOORMAN_ARI_USERNAME: 'fromenv', DOORMAN_LISTEN_END_SILENCE_MS: '900' },
      overrides: { 'ari.app': 'screen' },
    });
    assert.equal(c.ari.url, 'http://10.0.0.5:8088');
    assert.equal(c.ari.username, 'fromenv');
    assert.equal(c.listen.endSilenceMs, 900);
    assert.equal(c.ari.app, 'screen');
  });

  it('takes lists from env as comma-separated values', () => {
    const c = loadConfig({ env: { DOORMAN_OUTBOUND_TRUNKS: 'PJSIP/a, PJSIP/b' } });
    assert.deepEqual(c.outbound.trunks, ['PJSIP/a', 'PJSIP/b']);
    assert.throws(
      () => loadConfig({ env: { DOORMAN_OUTBOUND_TRUNKS: 'nonsense' } }),
      /outbound\.trunks\.0: TECH\/name/,
    );
    const w = loadConfig({ env: { DOORMAN_SPEECH_SOUNDSWALLOWER_WARPS: '1, 0.92' } });
    assert.deepEqual(
      w.speech.soundswallower.warps,
      [1, 0.92],
      'a list of numbers by default is one of numbers',
    );
    assert.throws(
      () => loadConfig({ env: { DOORMAN_SPEECH_SOUNDSWALLOWER_WARPS: '1,wide' } }),
      /speech\.soundswallower\.warps: expected a number, got "wide"/,
    );
    assert.throws(
      () => loadConfig({ env: { DOORMAN_SPEECH_SOUNDSWALLOWER_WARPS: '1,2' } }),
      /speech\.soundswallower\.warps\.1/,
    );
  });

  it('reads the file named by DOORMAN_CONFIG', () => {
    const f = file('named.yaml', 'calls:\n  leaseSeconds: 30\n');
    assert.equal(loadConfig({ env: { DOORMAN_CONFIG: f } }).calls.leaseSeconds, 30);
  });

  it('names the bad key and where its value came from', () => {
    const cases: Array<[string, () => unknown, string, string]> = [
      [
        'bad env number',
        () => loadConfig({ env: { DOORMAN_CALLS_LEASE_SECONDS: 'soon' } }),
        'calls.leaseSeconds',
        'env DOORMAN_CALLS_LEASE_SECONDS',
      ],
      [
        'env out of range',
        () => loadConfig({ env: { DOORMAN_CALLS_LEASE_SECONDS: '1' } }),
        'calls.leaseSeconds',
        'env DOORMAN_CALLS_LEASE_SECONDS',
      ],
      [
        'bad url',
        () => loadConfig({ env: { DOORMAN_ARI_URL: 'ftp://pbx' } }),
        'ari.url',
        'env DOORMAN_ARI_URL',
      ],
      [
        'no default route',
        () =>
          loadConfig({
            env: {},
            file: file('routes.yaml', 'routes:\n  "15550002000":\n    unknown: desk\n'),
          }),
        'routes',
        'routes.yaml',
      ],
      [
        'typo in file',
        () => loadConfig({ env: {}, file: file('typo.yaml', 'ari:\n  passwrd: x\n') }),
        'ari',
        'typo.yaml',
      ],
      [
        'unknown section',
        () => loadConfig({ env: {}, file: file('section.yaml', 'aris: {}\n') }),
        '(top level)',
        'section.yaml',
      ],
      [
        'wrong type in file',
        () => loadConfig({ env: {}, file: file('type.yaml', 'listen:\n  maxSpeechMs: long\n') }),
        'listen.maxSpeechMs',
        'type.yaml',
      ],
      [
        'route to an unknown destination',
        () =>
          loadConfig({
            env: {},
            file: file('route.yaml', 'routes:\n  default:\n    unknown: nowhere\n'),
          }),
        'routes.default.unknown',
        'route.yaml',
      ],
      [
        // Every object has a `constructor`: only a destination of the config's own counts.
        'route to a name every object has',
        () =>
          loadConfig({
            env: {},
            file: file('proto.yaml', 'routes:\n  default:\n    unknown: constructor\n'),
          }),
        'routes.default.unknown',
        'proto.yaml',
      ],
      [
        'challenge not last',
        () =>
          loadConfig({
            env: {},
            file: file(
              'checks.yaml',
              'routes:\n  default:\n    unknown: desk\n    checks: [challenge, bypass]\n',
            ),
          }),
        'routes.default.checks',
        'checks.yaml',
      ],
      [
        'name language espeak-ng could take for a flag',
        () => loadConfig({ env: { DOORMAN_SPEECH_NAME_LANGUAGES: 'es, --stdout' } }),
        'speech.soundswallower.nameLanguages.1',
        'env DOORMAN_SPEECH_NAME_LANGUAGES',
      ],
      [
        'missing file',
        () => loadConfig({ env: {}, file: join(dir, 'absent.yaml') }),
        '(file)',
        'absent.yaml',
      ],
      [
        'broken YAML',
        () => loadConfig({ env: {}, file: file('broken.yaml', 'ari: [\n') }),
        '(file)',
        'broken.yaml',
      ],
      [
        'not a mapping',
        () => loadConfig({ env: {}, file: file('list.yaml', '- a\n- b\n') }),
        '(file)',
        'list.yaml',
      ],
    ];
    for (const [name, fn, key, source] of cases) {
      const e = configError(fn);
      assert.equal(e.key, key, name);
      assert.ok(e.source.endsWith(source), `${name}: source ${e.source}`);
      assert.ok(e.message.startsWith(`${key}: `), `${name}: ${e.message}`);
    }
    assert.match(
      configError(() => loadConfig({ env: {}, file: join(dir, 'typo.yaml') })).message,
      /unknown key passwrd/,
    );
  });

  it('derives an env var for every setting outside the named sections', () => {
    const vars = configEnvVars();
    for (const v of [
      'DOORMAN_ARI_URL',
      'DOORMAN_ARI_PASSWORD',
      'DOORMAN_LISTEN_MAX_SPEECH_MS',
      'DOORMAN_RECORDINGS_DIR',
    ]) {
      assert.ok(vars.includes(v), v);
    }
    assert.ok(!vars.some((v) => v.startsWith('DOORMAN_ROUTES') || v.startsWith('DOORMAN_DESTINATIONS')));
  });

  it('the CLI prints one line naming the key and exits non-zero', () => {
    const r = spawnSync(process.execPath, cliArgs('start'), {
      env: { ...process.env, DOORMAN_ARI_URL: 'not a url' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.status, 2);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] as string, /^doorman: config error: ari\.url: .* \(from env DOORMAN_ARI_URL\)$/);
    assert.equal(r.stdout, '');
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { csvField, parseCsv } from '../../src/lists/csv.js';
import { cliArgs } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'doorman-cli-'));
const env = { ...process.env, DOORMAN_STORE_URL: `sqlite:${join(dir, 'doorman.db')}` };
const doorman = (...args: string[]) =>
  spawnSync(process.execPath, cliArgs(...args), {
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('doorman list', () => {
  it('adds, shows and removes callers', () => {
    assert.equal(
      doorman('list', 'add', '(555) 123-4567', '--destination', 'voicemail', '--name', 'Mum').stdout.trim(),
      'allow: +15551234567 -> voicemail',
    );
    assert.match(
      doorman('list', 'show').stdout,
      /allow {2}\+15551234567 {2}voicemail {2}manual {2}hits=0 {2}"Mum"/,
    );
    const bad = doorman('list', 'add', '5551234567', '--destination', 'nowhere');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /no destination named "nowhere"/);
    assert.equal(doorman('list', 'remove', '+1 555 123 4567').stdout.trim(), 'removed');
    assert.equal(doorman('list', 'remove', '+1 555 123 4567').status, 1);
  });

  it('imports a CSV, reporting rejected rows by line, and exports it back', () => {
    const csv = join(dir, 'in.csv');
    writeFileSync(
      csv,
      [
        'number,name,list,destination,note',
        '+15550001111,"Smith, John",allow,desk,"said ""hi"""',
        'not a number,Nobody,allow,,',
        '+15550002222,Spammer,block,,',
        '+15550003333,Someone,maybe,,',
        '+15550004444,=HYPERLINK("x"),allow,nowhere,',
        '',
      ].join('\n'),
    );
    const r = doorman('list', 'import', csv);
    assert.equal(r.status, 1, 'some rows were rejected');
    assert.match(r.stdout, /imported 2, rejected 3/);
    assert.match(r.stderr, /in\.csv:3: rejected: "not a number" is not a number/);
    assert.match(r.stderr, /in\.csv:5: rejected: list must be allow or block/);
    assert.match(r.stderr, /in\.csv:6: rejected: no destination named "nowhere"/);
    assert.match(r.stderr, /100% \(5\/5\)/);

    const out = doorman('list', 'export').stdout;
    const rows = [...parseCsv(out)].map(([, f]) => f);
    assert.deepEqual(rows[0], [
      'number',
      'name',
      'list',
      'destination',
      'source',
      'scope',
      'expires_at',
      'note',
    ]);
    const smith = rows.find((f) => f[0] === '+15550001111');
    assert.deepEqual(smith?.slice(0, 5), ['+15550001111', 'Smith, John', 'allow', 'desk', 'import']);
    assert.equal(smith?.[7], 'said "hi"');
    assert.ok(rows.some((f) => f[0] === '+15550002222' && f[2] === 'block'));
  });
});

describe('doorman screening', () => {
  it('switches screening and starts a timed bypass', () => {
    assert.equal(doorman('screening', 'off').stdout.trim(), 'screening off');
    assert.equal(doorman('screening', 'on').stdout.trim(), 'screening on');
    assert.match(doorman('screening', 'bypass', '30').stdout, /^screening on, bypassed until \d{4}-/);
    assert.equal(doorman('screening', 'bypass', '0').stdout.trim(), 'screening on');
    assert.equal(doorman('screening', 'bypass', 'soon').status, 2);
  });
});

describe('CSV', () => {
  it('defuses spreadsheet formulas and quotes what needs it', () => {
    assert.equal(csvField('=cmd()'), "'=cmd()");
    assert.equal(csvField('+15551234567'), '+15551234567');
    assert.equal(csvField('+1 (555) 123-4567'), '+1 (555) 123-4567', 'a number stays importable');
    // A caller-ID name that starts with + and a digit is still a formula to a spreadsheet.
    assert.equal(csvField('+1-WEBSERVICE("http://x")'), `"'+1-WEBSERVICE(""http://x"")"`);
    assert.equal(csvField('+1+cmd|calc'), "'+1+cmd|calc");
    assert.equal(csvField('a,"b"'), '"a,""b"""');
  });
});

describe('what the CLI prints to a terminal', () => {
  it('shows a caller-controlled escape sequence instead of sending it to the terminal', () => {
    const name = 'ACME\u001b]0;pwned\u0007\u001b[2J\u202eevil';
    assert.equal(doorman('list', 'add', '+15550009999', '--name', name).status, 0);
    // A terminal: script(1) gives the CLI a pseudo-terminal as its stdout.
    const cmd = [process.execPath, ...cliArgs('list', 'export')].map((a) => `'${a}'`).join(' ');
    const tty = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env });
    assert.equal(tty.status, 0, tty.stderr);
    assert.ok(tty.stdout.includes('ACME\\x1b]0;pwned\\x07\\x1b[2J\\u{202e}evil'), tty.stdout);
    assert.doesNotMatch(tty.stdout, /[^\P{Cc}\r\n]|\u202e/u, 'no control character but the line ends');
    // A file or a pipe gets the data as it is.
    assert.ok(doorman('list', 'export').stdout.includes(name));
  });
});

describe('doorman asterisk-config', () => {
  it('prints the dialplan with the lease, and a fallback that keeps the number called', () => {
    const out = doorman('asterisk-config').stdout;
    assert.match(out, /Set\(TIMEOUT\(absolute\)=12\)/);
    assert.match(out, /Stasis\(doorman,\$\{EXTEN\}\)/);
    assert.match(out, /sessionlimit = 1000/);
    // In the T extension ${EXTEN} is "T": a fallback written with it sends a call whose lease ran
    // out to an extension that does not exist, and Asterisk drops it.
    const t = out.match(/^exten => T,1,Goto\((.*)\)/m)?.[1];
    assert.equal(t, 'fallback,1');
    assert.match(out, /^exten => fallback,1,.*\n same => n,Goto\(from-did-direct,\$\{DOORMAN_DID\},1\)$/m);
    assert.match(out, /^exten => _X\.,1,Set\(DOORMAN_DID=\$\{EXTEN\}\)/m);
    const mine = doorman('asterisk-config', '--fallback', `my-routes,\${DOORMAN_DID},1`).stdout;
    assert.match(mine, /Goto\(my-routes,\$\{DOORMAN_DID\},1\)/);
    const bad = doorman('asterisk-config', '--fallback', 'just-a-context');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--fallback needs context,extension,priority/);
  });

  it('sends calls to a second Doorman before the fallback, once, with the number called', () => {
    const out = doorman('asterisk-config', '--second-app', 'doorman-b').stdout;
    assert.match(
      out,
      /Stasis\(doorman,\$\{EXTEN\}\)\s*;.*\n same => n,GotoIf\(\$\["\$\{STASISSTATUS\}" = "FAILED"\]\?second,1\)/,
    );
    // A lease running out goes to the second Doorman the first time, to the fallback the second.
    assert.match(out, /^exten => T,1,GotoIf\(\$\["\$\{DOORMAN_SECOND\}" = ""\]\?second,1:fallback,1\)/m);
    assert.match(
      out,
      /^exten => second,1,Set\(DOORMAN_SECOND=1\)\n same => n,Set\(TIMEOUT\(absolute\)=12\)/m,
    );
    assert.match(out, /Stasis\(doorman-b,\$\{DOORMAN_DID\}\)/);
    for (const [bad, why] of [
      ['doorman', /must differ from ari.app/],
      ['two words', /letters, digits, _ and - only/],
    ] as const) {
      const r = doorman('asterisk-config', '--second-app', bad);
      assert.equal(r.status, 1, bad);
      assert.match(r.stderr, why);
    }
    assert.doesNotMatch(doorman('asterisk-config').stdout, /second/, 'nothing of it without one');
  });

  it('is what the Asterisk sandbox runs (docker/asterisk/extensions_doorman.conf is up to date)', () => {
    const generated = spawnSync('scripts/asterisk.sh', ['dialplan'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(generated.status, 0, generated.stderr);
    assert.equal(
      readFileSync('docker/asterisk/extensions_doorman.conf', 'utf8'),
      generated.stdout,
      'regenerate: scripts/asterisk.sh dialplan > docker/asterisk/extensions_doorman.conf',
    );
    assert.match(
      readFileSync('docker/asterisk/extensions.conf', 'utf8'),
      /^#include extensions_doorman\.conf$/m,
    );
  });
});

describe('doorman config', () => {
  it('prints the configuration with every secret hidden: passwords, PINs, webhook secrets, credentials in URLs', () => {
    const file = join(dir, 'secrets.yaml');
    writeFileSync(
      file,
      [
        'webhooks:',
        '  endpoints:',
        '    - url: https://crm.example.com/hook?token=url-token-5678&site=main',
        '      secret: webhook-secret-0123456789',
        'routes:',
        '  default: { unknown: desk }',
        '  "15550006000": { unknown: desk, checks: [pin], pin: { set: partners, destination: desk } }',
        'outboundPin:',
        '  extensions:',
        '    "1001": { pin: "97531" }',
      ].join('\n'),
    );
    const out = spawnSync(process.execPath, cliArgs('config', '--config', file), {
      env: {
        ...process.env,
        DOORMAN_STORE_URL: 'postgres://doorman:db-pass-4321@db.example.com/doorman',
        DOORMAN_ARI_PASSWORD: 'ari-pass-8642',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(out.status, 0, out.stderr);
    for (const secret of [
      'url-token-5678',
      'webhook-secret-0123456789',
      '97531',
      'db-pass-4321',
      'ari-pass-8642',
    ]) {
      assert.ok(!out.stdout.includes(secret), `${secret} is printed`);
    }
    const shown = JSON.parse(out.stdout);
    assert.equal(shown.store.url, 'postgres://doorman:[hidden]@db.example.com/doorman');
    assert.equal(shown.webhooks.endpoints[0].url, 'https://crm.example.com/hook?token=[hidden]&site=main');
    assert.equal(shown.webhooks.endpoints[0].secret, '[hidden]');
    assert.equal(shown.outboundPin.extensions['1001'].pin, '[hidden]');
    assert.equal(shown.ari.password, '[hidden]');
    assert.equal(shown.ari.username, 'doorman', 'what is not secret is shown');
    assert.equal(shown.routes['15550006000'].pin.set, 'partners', "a PIN route's settings are not a PIN");
  });
});

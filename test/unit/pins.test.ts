import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DigitEntry } from '../../src/calls/digit-entry.js';
import { loadConfig } from '../../src/config/load.js';
import { lockedUntil, PinError, pinHash } from '../../src/policy/pin-code.js';
import { readPinKey } from '../../src/store/pin-key.js';
import { PinSets, TAKEN_PER_HOUR } from '../../src/store/pin-sets.js';
import { Store } from '../../src/store/store.js';
import { voicemailPins } from '../../src/telephony/voicemail-conf.js';
import { cliArgs } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'doorman-pins-'));

describe('lockout policy', () => {
  const policy = { failures: 3, windowMinutes: 10 };
  const now = new Date('2026-11-24T12:00:00Z');
  const ago = (min: number) => new Date(now.getTime() - min * 60_000);

  it('locks after N failures within the window, until the oldest of them ages out', () => {
    assert.equal(lockedUntil([ago(1), ago(2)], policy, now), null);
    assert.deepEqual(
      lockedUntil([ago(1), ago(2), ago(9)], policy, now),
      new Date(ago(9).getTime() + 600_000),
    );
    assert.equal(
      lockedUntil([ago(1), ago(2), ago(11)], policy, now),
      null,
      'one failure is outside the window',
    );
    // With more failures than the limit, the lock lasts until enough have aged out.
    assert.deepEqual(
      lockedUntil([ago(1), ago(2), ago(3), ago(8)], policy, now),
      new Date(ago(3).getTime() + 600_000),
    );
  });
});

describe('digit entry', () => {
  const rules = { length: 0, firstDigitMs: 300, interDigitMs: 150, totalMs: 2_000 };

  it('ends at # and keeps keys pressed during the prompt', async () => {
    const e = new DigitEntry(rules);
    e.push('1');
    e.push('2');
    e.start();
    e.push('3');
    e.push('#');
    assert.deepEqual(await e.result, { digits: '123', end: 'terminator' });
  });

  it('ends at the fixed length without #', async () => {
    const e = new DigitEntry({ ...rules, length: 4 });
    e.start();
    for (const k of '98765') e.push(k);
    assert.deepEqual(await e.result, { digits: '9876', end: 'length' });
  });

  it('takes what was typed when the caller pauses, and reports nothing typed as no-input', async () => {
    const typed = new DigitEntry(rules);
    typed.start();
    typed.push('4');
    typed.push('2');
    assert.deepEqual(await typed.result, { digits: '42', end: 'inter-digit-timeout' });
    const silent = new DigitEntry(rules);
    silent.start();
    assert.deepEqual(await silent.result, { digits: '', end: 'no-input' });
    const hash = new DigitEntry(rules);
    hash.push('#');
    assert.deepEqual(await hash.result, { digits: '', end: 'no-input' });
  });

  it('ignores what is not a key and stops at the total timeout', async () => {
    const e = new DigitEntry({ ...rules, interDigitMs: 10_000, totalMs: 200 });
    e.start();
    e.push('x');
    e.push('12');
    e.push('7');
    assert.deepEqual(await e.result, { digits: '7', end: 'total-timeout' });
  });
});

describe('voicemail.conf PINs', () => {
  it('reads mailbox PINs per context, without the no-change dash', () => {
    const pins = voicemailPins(
      [
        '[general]',
        'format=wav49|gsm|wav',
        '[default]',
        '1001 => 4321,Ann Lee,ann@example.com',
        '1002 => -9876,Bob ; cannot change it',
        '; 1003 => 1111,Commented',
        '[other]',
        '1001 => 5555,Elsewhere',
      ].join('\n'),
    );
    assert.equal(pins.get('1001@default'), '4321');
    assert.equal(pins.get('1002@default'), '9876');
    assert.equal(pins.get('1003@default'), undefined);
    assert.equal(pins.get('1001@other'), '5555');
  });
});

describe('PIN sets in the store', () => {
  let store: Store;
  let pins: PinSets;
  before(async () => {
    store = await Store.open({ url: `sqlite:${join(dir, 'store.db')}`, timeoutMs: 2_000 });
    pins = new PinSets(store);
  });
  after(() => store?.close());

  it('finds a label by its PIN, and keeps no clear PIN in a hashed set', async () => {
    await pins.createSet('partners');
    assert.equal(await pins.putPin('partners', 'ACME-0042', '482913'), 'added');
    assert.equal(await pins.putPin('partners', 'Globex 7', '1234'), 'added');
    assert.equal(await pins.labelFor('partners', '482913'), 'ACME-0042');
    assert.equal(await pins.labelFor('partners', '482914'), null);
    assert.equal(await pins.labelFor('partners', ''), null);
    const raw = JSON.stringify(await store.db.selectFrom('pins').selectAll().execute());
    assert.ok(!raw.includes('482913') && !raw.includes('"1234"'), 'no clear PIN in the table');
    assert.equal(await pins.putPin('partners', 'ACME-0042', '555000'), 'updated');
    assert.equal(await pins.labelFor('partners', '482913'), null, 'the old PIN no longer opens');
    assert.equal(await pins.checkLabelPin('partners', 'ACME-0042', '555000'), true);
    assert.equal(await pins.checkLabelPin('partners', 'ACME-0042', '555001'), false);
    assert.equal(await pins.checkLabelPin('partners', 'nobody', '555000'), null);
  });

  it('refuses a PIN two labels would share, bad PINs, bad labels and unknown sets', async () => {
    await assert.rejects(pins.putPin('partners', 'Initech', '1234'), /already another label's/);
    await assert.rejects(pins.putPin('partners', 'Initech', '12'), PinError);
    await assert.rejects(pins.putPin('partners', 'Initech', '12ab'), /3 to 16 keypad digits/);
    await assert.rejects(pins.putPin('partners', '<script>', '9999'), /label/);
    await assert.rejects(pins.putPin('nosuch', 'x', '9999'), /no PIN set named "nosuch"/);
    await assert.rejects(pins.createSet('partners'), /already exists/);
    await assert.rejects(pins.createSet('Bad Name'), /PIN set name/);
  });

  it('stops answering "that PIN is taken" after a few an hour, so the answer cannot list a set', async () => {
    await pins.createSet('guessed');
    await pins.putPin('guessed', 'owner', '4321');
    for (let i = 0; i < TAKEN_PER_HOUR; i++)
      await assert.rejects(pins.putPin('guessed', `prober-${i}`, '4321'), { code: 'PIN_TAKEN' });
    // Past the budget a free PIN and a taken one get the same answer.
    await assert.rejects(pins.putPin('guessed', 'prober-x', '4321'), { code: 'PIN_SET_COOLING' });
    await assert.rejects(pins.putPin('guessed', 'prober-y', '8765'), { code: 'PIN_SET_COOLING' });
    // Another set is not held up, and PINs already there still open.
    assert.equal(await pins.putPin('partners', 'Hooli', '7070'), 'added');
    assert.equal(await pins.labelFor('guessed', '4321'), 'owner');
  });

  it('seals PIN hashes with a key kept out of the database, so a copy of it gives no PIN away', async () => {
    const key = randomBytes(32);
    const sealed = new PinSets(store, key);
    // Every four-digit PIN tried against what a copy of the database holds: salt and hash.
    const bruteForce = async (set: string) => {
      const row = await store.db
        .selectFrom('pins')
        .innerJoin('pin_sets', 'pin_sets.name', 'pins.set_name')
        .select(['pins.pin_hash', 'pin_sets.salt'])
        .where('pins.set_name', '=', set)
        .executeTakeFirstOrThrow();
      for (let n = 0; n < 10_000; n++) {
        const pin = String(n).padStart(4, '0');
        if (pinHash(row.salt, pin) === row.pin_hash) return pin;
      }
      return null;
    };
    await pins.createSet('unsealed');
    await pins.putPin('unsealed', 'door', '2580');
    assert.equal(await bruteForce('unsealed'), '2580', 'the salt alone protects nothing');

    await sealed.createSet('vault');
    await sealed.putPin('vault', 'door', '2580');
    assert.equal(await bruteForce('vault'), null);
    assert.equal(await sealed.labelFor('vault', '2580'), 'door');
    assert.equal((await sealed.listSets()).find((x) => x.name === 'vault')?.sealed, true);

    // A set from before the key is sealed in place; its PINs keep working.
    assert.equal(await sealed.sealSet('unsealed'), true);
    assert.equal(await sealed.sealSet('unsealed'), false);
    assert.equal(await bruteForce('unsealed'), null);
    assert.equal(await sealed.labelFor('unsealed', '2580'), 'door');
    assert.equal(await sealed.checkLabelPin('unsealed', 'door', '2580'), true);

    // Without the key, or with another, a sealed set says so instead of refusing every PIN.
    await assert.rejects(pins.labelFor('vault', '2580'), { code: 'PIN_KEY_MISSING' });
    await assert.rejects(new PinSets(store, randomBytes(32)).labelFor('vault', '2580'), {
      code: 'PIN_KEY_WRONG',
    });
    await assert.rejects(pins.sealSet('partners'), { code: 'PIN_KEY_MISSING' });
  });

  it('reads the key from pins.keyFile, refusing a missing or short one with the key named', () => {
    const good = join(dir, 'pin.key');
    writeFileSync(good, randomBytes(32));
    assert.equal(readPinKey(good)?.length, 32);
    assert.equal(readPinKey(''), undefined);
    const short = join(dir, 'short.key');
    writeFileSync(short, 'secret');
    assert.throws(() => readPinKey(short), /pins\.keyFile: holds 6 bytes; a key needs at least 16/);
    assert.throws(() => readPinKey(join(dir, 'absent.key')), /pins\.keyFile: cannot read: ENOENT/);
  });

  it('counts wrong PINs across calls and clears them on a right one', async () => {
    const policy = { failures: 2, windowMinutes: 5 };
    assert.equal(await pins.lockedUntil('+15550009999', policy), null);
    await pins.recordFailure('+15550009999');
    assert.equal(await pins.lockedUntil('+15550009999', policy), null);
    await pins.recordFailure('+15550009999');
    assert.ok(await pins.lockedUntil('+15550009999', policy));
    assert.equal(await pins.lockedUntil('+15550008888', policy), null, 'another number is not locked');
    assert.equal(await pins.clearFailures('+15550009999'), 2);
    assert.equal(await pins.lockedUntil('+15550009999', policy), null);
  });
});

describe('doorman pins', () => {
  const env = { ...process.env, DOORMAN_STORE_URL: `sqlite:${join(dir, 'cli.db')}` };
  const doorman = (args: string[], input = '') =>
    spawnSync(process.execPath, cliArgs('pins', ...args), {
      env,
      input,
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('creates a set, takes a PIN from stdin, imports a CSV by line, and never prints a hashed PIN', () => {
    assert.equal(doorman(['create', 'staff']).status, 0);
    const add = doorman(['add', 'staff', 'E-100'], '246810\n');
    assert.equal(add.status, 0, add.stderr);
    assert.equal(add.stdout.trim(), 'added: E-100');
    const csv = join(dir, 'pins.csv');
    writeFileSync(
      csv,
      'label,pin\nE-101,135791\nE-102,12\nE-103,246810\nSmith J.,97531\n"Doe, Jane",86420\n',
    );
    const imp = doorman(['import', 'staff', csv]);
    assert.equal(imp.status, 1, 'some rows were rejected');
    assert.match(imp.stdout, /imported 2, rejected 3/);
    assert.match(imp.stderr, /pins\.csv:3: rejected: a PIN is 3 to 16 keypad digits/);
    assert.match(imp.stderr, /pins\.csv:4: rejected: .*already another label's/);
    assert.match(imp.stderr, /pins\.csv:6: rejected: label "Doe, Jane" must be/);
    assert.ok(!imp.stderr.includes('246810') && !imp.stderr.includes(' 12 '), 'PINs are not echoed');
    assert.match(doorman(['sets']).stdout, /staff {2}3 PIN\(s\) {2}hashed/);
    const exported = doorman(['export', 'staff']).stdout;
    assert.equal(exported, 'label,pin\nE-100,\nE-101,\nSmith J.,\n');
    assert.match(doorman(['show', 'staff']).stdout, /^E-100 {2}added /m);
    assert.equal(doorman(['import', 'nosuch', csv]).status, 1);
  });

  it('exports the PINs of a set kept in the clear', () => {
    assert.equal(doorman(['create', 'desk', '--clear']).status, 0);
    assert.equal(doorman(['add', 'desk', 'Front desk'], '7777\n').status, 0);
    assert.equal(doorman(['export', 'desk']).stdout, 'label,pin\nFront desk,7777\n');
  });
});

describe('PIN route configuration', () => {
  it('refuses a pin check without a set, and a pin check after the challenge', () => {
    assert.throws(
      () =>
        loadConfig({
          env: {},
          overrides: { routes: { default: { unknown: 'desk', checks: ['pin'] } } } as never,
        }),
      /routes\.default\.pin: the route lists the pin check/,
    );
    assert.throws(
      () =>
        loadConfig({
          env: {},
          overrides: {
            routes: { default: { unknown: 'desk', checks: ['pin', 'blocklist'], pin: { set: 'x' } } },
          } as never,
        }),
      /come after bypass, blocklist, allowlist and flood/,
    );
    assert.throws(
      () =>
        loadConfig({
          env: {},
          overrides: {
            routes: {
              default: { unknown: 'desk', checks: ['pin'], pin: { set: 'x', destination: 'nowhere' } },
            },
          } as never,
        }),
      /routes\.default\.pin\.destination: no destination named "nowhere"/,
    );
  });
});

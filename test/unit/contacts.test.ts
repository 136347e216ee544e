import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { hideSecrets } from '../../src/config/secrets.js';
import { CardDavError } from '../../src/integrations/carddav.js';
import {
  applyContacts,
  type ContactsReport,
  keepContactsInSync,
  syncCardDav,
} from '../../src/integrations/contacts-sync.js';
import { parseContactManagerCsv } from '../../src/integrations/freepbx-contacts.js';
import { parseVCards, VCARD_MAX_CARDS, VCardError } from '../../src/integrations/vcard.js';
import { createLogger } from '../../src/log.js';
import { Store } from '../../src/store/store.js';
import { cliArgs } from '../support/cli.js';
import { testDatabases } from '../support/databases.js';
import { waitUntil } from '../support/doorman.js';
import { type RadicaleServer, radicale } from '../support/radicale.js';

const crlf = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;

const parseError = (text: string): VCardError => {
  try {
    parseVCards(text, 'book.vcf');
  } catch (e) {
    assert.ok(e instanceof VCardError, String(e));
    return e;
  }
  assert.fail('no error');
};

describe('vCard parser', () => {
  it('reads a 3.0 card: folded lines, escapes, parameters, groups, every TEL', () => {
    const { cards, withoutPhone } = parseVCards(
      crlf(
        'BEGIN:VCARD',
        'VERSION:3.0',
        'UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1',
        'FN:Smith\\, John \\; Jr.',
        'N:Smith;John;;;Jr.',
        'TEL;TYPE=cell,voice:+1 (202) 555-',
        ' 0101',
        'TEL;type=WORK;TYPE=pref:202-555-0102',
        'item1.TEL:+12025550103',
        'item1.X-ABLabel:Boat',
        'NOTE:a note that is\r\n\tfolded with a tab: and has colons',
        'PHOTO;ENCODING=b;TYPE=JPEG:MIICajCCAdOgAwIBAgICBEUwDQYJKoZIhvcNAQEEBQAwdzELMAkGA1UEBhMCVVMxLDAqBgNVBAoTI05l',
        ' dHNjYXBlIENvbW11bmljYXRpb25zIENvcnBvcmF0aW9uMRwwGgYDVQQLExNJbmZvcm1hdGlvbiBTeXN0',
        'END:VCARD',
      ),
    );
    assert.equal(withoutPhone, 0);
    assert.deepEqual(cards, [
      {
        uid: 'urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1',
        name: 'Smith, John ; Jr.',
        line: 1,
        phones: [
          { value: '+1 (202) 555-0101', types: ['cell', 'voice'] },
          { value: '202-555-0102', types: ['work', 'pref'] },
          { value: '+12025550103', types: [] },
        ],
      },
    ]);
  });

  it('reads 4.0 cards: tel: URIs (extension dropped), quoted parameters, LF line ends, N for a missing FN', () => {
    const { cards } = parseVCards(
      [
        'BEGIN:VCARD',
        'VERSION:4.0',
        'FN:Ann Lee',
        'TEL;VALUE=uri;TYPE="voice,cell";PREF=1:tel:+1-202-555-0111',
        'TEL;VALUE=uri;TYPE=work:tel:+1-202-555-0112;ext=42',
        'END:VCARD',
        'BEGIN:VCARD',
        'VERSION:4.0',
        'N:Nguyen;Thi,Mai;;Dr.;',
        'TEL;TYPE="home":tel:+12025550113',
        'END:VCARD',
        'BEGIN:VCARD',
        'VERSION:4.0',
        'TEL:+12025550114',
        'END:VCARD',
      ].join('\n'),
    );
    assert.deepEqual(
      cards.map((c) => [c.name, c.line, c.phones]),
      [
        [
          'Ann Lee',
          1,
          [
            { value: '+1-202-555-0111', types: ['voice', 'cell'] },
            { value: '+1-202-555-0112', types: ['work'] },
          ],
        ],
        ['Dr. Thi Mai Nguyen', 7, [{ value: '+12025550113', types: ['home'] }]],
        [null, 12, [{ value: '+12025550114', types: [] }]],
      ],
    );
  });

  it('counts cards without a phone number instead of refusing them', () => {
    const r = parseVCards(
      crlf(
        'BEGIN:VCARD',
        'VERSION:3.0',
        'FN:Only An Email',
        'EMAIL:only@example.com',
        'END:VCARD',
        '',
        'BEGIN:VCARD',
        'VERSION:3.0',
        'FN:Bob',
        'TEL:+12025550121',
        'END:VCARD',
      ),
    );
    assert.equal(r.withoutPhone, 1);
    assert.deepEqual(
      r.cards.map((c) => c.name),
      ['Bob'],
    );
    assert.deepEqual(parseVCards(''), { cards: [], withoutPhone: 0 });
  });

  it('refuses what is not vCard with the line to look at', () => {
    const cases: Array<[string, number | null, RegExp]> = [
      [
        crlf('BEGIN:VCARD', 'VERSION:3.0', 'FN:Ann', ' Lee', 'this line has no colon', 'END:VCARD'),
        5,
        /not a vCard line/,
      ],
      [crlf('BEGIN:VCARD', 'FN:Ann', 'TEL:+12025550131'), 1, /BEGIN:VCARD without END:VCARD/],
      [crlf('FN:Ann', 'TEL:+12025550131', 'END:VCARD'), 1, /FN outside a card/],
      [crlf('BEGIN:VCARD', 'FN:Ann', 'END:VCARD', 'END:VCARD'), 4, /END outside a card/],
      [
        crlf('BEGIN:VCARD', 'FN:Boss', 'AGENT:', 'BEGIN:VCARD', 'FN:Sec', 'END:VCARD', 'END:VCARD'),
        4,
        /BEGIN:VCARD inside the card begun on line 1/,
      ],
      [crlf('BEGIN:VCALENDAR', 'END:VCALENDAR'), 1, /BEGIN:VCALENDAR: not a vCard/],
      [crlf('BEGIN:VCARD', 'TEL;TYPE="cell:+12025550131', 'END:VCARD'), 2, /not a vCard line/],
      [crlf('BEGIN:VCARD', ';TEL:+12025550131', 'END:VCARD'), 2, /not a vCard line/],
    ];
    for (const [text, line, message] of cases) {
      const e = parseError(text);
      assert.equal(e.code, 'VCARD_INVALID');
      assert.equal(e.line, line, text);
      assert.match(e.message, message);
      assert.ok(e.message.startsWith(`book.vcf:${line}: `), e.message);
    }
  });

  it('refuses more cards, or more text, than one import takes', () => {
    const card = crlf('BEGIN:VCARD', 'TEL:+12025550141', 'END:VCARD');
    assert.equal(parseVCards(card.repeat(VCARD_MAX_CARDS)).cards.length, VCARD_MAX_CARDS);
    const many = parseError(card.repeat(VCARD_MAX_CARDS + 1));
    assert.equal(many.code, 'VCARD_TOO_MANY');
    assert.match(many.message, /more than 50000 cards/);
    const big = parseError(`${card}NOTE:${'x'.repeat(21 * 1024 * 1024)}\r\n`);
    assert.equal(big.code, 'VCARD_TOO_LARGE');
    assert.match(big.message, /larger than 20 MB/);
  });
});

describe("FreePBX Contact Manager's CSV export (Bulk Handler)", () => {
  it('reads each row as a contact with its phone_N_number columns', () => {
    const csv = [
      'groupname,grouptype,displayname,fname,lname,title,company,address,phone_1_type,phone_1_number,phone_1_extension,phone_1_flags,phone_1_speeddial,phone_2_type,phone_2_number,email_1',
      'Friends,external,"Lee, Ann",Ann,Lee,,,,cell,+1 202 555 0151,,,,work,202-555-0152,ann@example.com',
      'Friends,external,,Bo,Chan,,,,home,2025550153,,,,,,',
      'Friends,external,Mail Only,,,,,,,,,,,,,m@example.com',
    ].join('\r\n');
    const r = parseContactManagerCsv(csv, 'contacts.csv');
    assert.equal(r.withoutPhone, 1);
    assert.deepEqual(r.cards, [
      {
        uid: null,
        name: 'Lee, Ann',
        line: 2,
        phones: [
          { value: '+1 202 555 0151', types: ['cell'] },
          { value: '202-555-0152', types: ['work'] },
        ],
      },
      { uid: null, name: 'Bo Chan', line: 3, phones: [{ value: '2025550153', types: ['home'] }] },
    ]);
    assert.throws(
      () => parseContactManagerCsv('number,name\n+12025550154,Someone\n', 'list.csv'),
      /list\.csv:1: not a Contact Manager export/,
    );
  });
});

const card = (name: string, ...tels: string[]) =>
  crlf('BEGIN:VCARD', 'VERSION:3.0', `FN:${name}`, ...tels.map((t) => `TEL;TYPE=cell:${t}`), 'END:VCARD');

const book = (...cards: string[]) => parseVCards(cards.join(''));

const counts = (r: ContactsReport) => ({
  added: r.added,
  updated: r.updated,
  removed: r.removed,
  unchanged: r.unchanged,
  skipped: r.skipped.map((s) => s.number),
});

/** The allow and block lists as `list number source name destination` lines, sorted. */
async function lists(store: Store): Promise<string[]> {
  const rows = await store.listCallers({ limit: 10_000 });
  return rows.map((r) => `${r.list} ${r.number} ${r.source} ${r.name} ${r.destination}`).sort();
}

const config: Config = loadConfig({ env: {}, overrides: { 'contacts.destination': 'desk' } as never });

describe('contacts sync (SQLite, PostgreSQL, MariaDB)', async () => {
  const dbs = await testDatabases();
  after(async () => {
    for (const db of dbs) await db.drop();
  });

  for (const db of dbs) {
    it(`${db.name}: adds, updates and removes exactly the contacts' numbers, leaves every other entry alone`, async () => {
      const store = await Store.open({ url: db.url, timeoutMs: 5_000 });
      try {
        const manual = { rawNumber: 'x', scope: '', addedBy: 'test' } as const;
        await store.upsertCaller({
          ...manual,
          number: '+12025550201',
          list: 'allow',
          source: 'manual',
          name: 'Mum',
          destination: 'voicemail',
        });
        await store.upsertCaller({
          ...manual,
          number: '+12025550202',
          list: 'block',
          source: 'manual',
          name: 'Ex',
        });
        await store.upsertCaller({
          ...manual,
          number: '+12025550203',
          list: 'allow',
          source: 'screened',
          name: 'Courier',
        });
        const others = await lists(store);

        const first = book(
          card('Mum Contact', '+1 202 555 0201'),
          card('Ex Contact', '(202) 555-0202'),
          card('Ann Lee', '+1 202 555 0211', '202.555.0212'),
          card('Bob', '+12025550213', '+1 (202) 555-0213'),
          card('Extension', '12'),
          crlf('BEGIN:VCARD', 'FN:No Phone', 'END:VCARD'),
        );
        const dry = await applyContacts(store, config, first, { dryRun: true, addedBy: 'test' });
        assert.deepEqual(counts(dry), {
          added: 3,
          updated: 0,
          removed: 0,
          unchanged: 0,
          skipped: ['12', '+12025550201', '+12025550202'],
        });
        assert.equal(dry.dryRun, true);
        assert.deepEqual(await lists(store), others, 'a dry run writes nothing');

        const r1 = await applyContacts(store, config, first, { addedBy: 'test' });
        assert.deepEqual({ ...r1, dryRun: true }, dry, 'the dry run said what the sync did');
        assert.equal(r1.contacts, 5);
        assert.equal(r1.withoutPhone, 1);
        assert.match(
          r1.skipped.find((s) => s.number === '+12025550201')?.reason ?? '',
          /already on the allow list \(source manual\)/,
        );
        assert.match(
          r1.skipped.find((s) => s.number === '+12025550202')?.reason ?? '',
          /on the block list \(source manual\)/,
        );
        assert.match(
          r1.skipped.find((s) => s.number === '12')?.reason ?? '',
          /Extension: not a phone number/,
        );
        assert.deepEqual(
          await lists(store),
          [
            ...others,
            'allow +12025550211 contacts Ann Lee desk',
            'allow +12025550212 contacts Ann Lee desk',
            'allow +12025550213 contacts Bob desk',
          ].sort(),
        );

        const again = await applyContacts(store, config, first, { addedBy: 'test' });
        assert.deepEqual(counts(again).unchanged, 3);
        assert.equal(again.added + again.updated + again.removed, 0);

        // Ann loses a number, Bob is renamed, Cy is new, and the admin blocks one of Ann's.
        await store.fileCaller({ ...manual, number: '+12025550211', list: 'block', source: 'manual' });
        const second = book(
          card('Ann Lee', '+1 202 555 0211'),
          card('Robert', '+12025550213'),
          card('Cy', '+12025550214'),
        );
        const r2 = await applyContacts(store, config, second, { addedBy: 'test' });
        assert.deepEqual(counts(r2), {
          added: 1,
          updated: 1,
          removed: 1,
          unchanged: 0,
          skipped: ['+12025550211'],
        });
        assert.deepEqual(
          await lists(store),
          [
            ...others,
            'block +12025550211 manual null null',
            'allow +12025550213 contacts Robert desk',
            'allow +12025550214 contacts Cy desk',
          ].sort(),
        );

        const noDestination = loadConfig({ env: {} });
        const r3 = await applyContacts(store, noDestination, second, { addedBy: 'test' });
        assert.equal(r3.updated, 2, 'a changed contacts.destination updates every entry');
        assert.ok((await lists(store)).includes('allow +12025550214 contacts Cy null'));

        const emptied = await applyContacts(store, config, book(), { addedBy: 'test' });
        assert.equal(emptied.removed, 2);
        assert.deepEqual(await lists(store), [...others, 'block +12025550211 manual null null'].sort());
      } finally {
        await store.close();
      }
    });
  }

  it('sqlite: a big address book goes in batches, and comes out again', async () => {
    const store = await Store.open({
      url: `sqlite:${join(mkdtempSync(join(tmpdir(), 'doorman-contacts-')), 'd.db')}`,
      timeoutMs: 5_000,
    });
    try {
      const cards = Array.from({ length: 1_250 }, (_, i) =>
        card(`Person ${i}`, `+1202555${String(1000 + i * 7).padStart(4, '0')}`),
      );
      const r = await applyContacts(store, config, book(...cards), { addedBy: 'test' });
      assert.equal(r.added, 1_250);
      assert.equal((await store.listCallers({ limit: 5_000 })).length, 1_250);
      const gone = await applyContacts(store, config, book(...cards.slice(0, 10)), { addedBy: 'test' });
      assert.deepEqual([gone.removed, gone.unchanged], [1_240, 10]);
    } finally {
      await store.close();
    }
  });
});

/** A server that answers any request with `status` and `body`, or not at all (`hang`). */
async function fakeServer(
  answer: 'hang' | { status: number; body: string },
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    if (answer === 'hang') return;
    res.writeHead(answer.status, { 'Content-Type': 'text/html' }).end(answer.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/dav/`, server };
}

describe('contacts from CardDAV (real Radicale)', () => {
  let dav: RadicaleServer;
  let store: Store;
  let davConfig: Config;
  const dir = mkdtempSync(join(tmpdir(), 'doorman-contacts-'));
  const storeUrl = `sqlite:${join(dir, 'doorman.db')}`;
  const BOOK = '/alice/contacts/';
  const withDav = (over: Record<string, unknown>) =>
    loadConfig({
      env: {},
      overrides: {
        'contacts.carddav.url': `${dav.origin}${BOOK}`,
        'contacts.carddav.username': dav.user,
        'contacts.carddav.password': dav.password,
        'contacts.carddav.timeoutMs': 5_000,
        ...over,
      } as never,
    });
  const failure = async (cfg: Config): Promise<Error> => {
    const before = await lists(store);
    const e = await syncCardDav(store, cfg).then(
      () => assert.fail('the sync did not fail'),
      (err: Error) => err,
    );
    assert.deepEqual(await lists(store), before, 'a failed sync changes nothing');
    return e;
  };

  before(async () => {
    dav = await radicale();
    await dav.makeAddressBook(BOOK);
    store = await Store.open({ url: storeUrl, timeoutMs: 5_000 });
    await store.upsertCaller({
      number: '+12025550301',
      rawNumber: 'x',
      list: 'allow',
      source: 'manual',
      name: 'Mum',
    });
    await store.upsertCaller({
      number: '+12025550302',
      rawNumber: 'x',
      list: 'block',
      source: 'manual',
      name: 'Ex',
    });
    davConfig = withDav({});
  });
  after(async () => {
    await store?.close();
    await dav?.stop();
  });

  it('syncs the address book: added, then exactly the changed and deleted contacts', async () => {
    await dav.put(
      `${BOOK}ann.vcf`,
      crlf(
        'BEGIN:VCARD',
        'VERSION:3.0',
        'UID:ann',
        'FN:Ann Lee',
        'TEL;TYPE=cell:+1 202 555 0311',
        'END:VCARD',
      ),
    );
    await dav.put(
      `${BOOK}bob.vcf`,
      crlf(
        'BEGIN:VCARD',
        'VERSION:4.0',
        'UID:bob',
        'FN:Bob',
        'TEL;VALUE=uri;TYPE="cell,voice":tel:+1-202-555-0312',
        'TEL;TYPE=work:+12025550313',
        'END:VCARD',
      ),
    );
    await dav.put(
      `${BOOK}cy.vcf`,
      crlf(
        'BEGIN:VCARD',
        'VERSION:3.0',
        'UID:cy',
        'FN:Cy Young',
        'N:Young;Cy;;;',
        'TEL:+12025550314',
        'TEL:+12025550302',
        'END:VCARD',
      ),
    );
    await dav.put(
      `${BOOK}mum.vcf`,
      crlf('BEGIN:VCARD', 'VERSION:3.0', 'UID:mum', 'FN:Mother', 'TEL:+12025550301', 'END:VCARD'),
    );
    await dav.put(
      `${BOOK}nophone.vcf`,
      crlf('BEGIN:VCARD', 'VERSION:3.0', 'UID:np', 'FN:Mail Only', 'EMAIL:a@example.com', 'END:VCARD'),
    );

    const dry = await syncCardDav(store, davConfig, { dryRun: true });
    assert.equal(dry.added, 4);
    assert.equal((await lists(store)).length, 2, 'the dry run wrote nothing');

    const r1 = await syncCardDav(store, davConfig);
    assert.deepEqual(counts(r1), {
      added: 4,
      updated: 0,
      removed: 0,
      unchanged: 0,
      skipped: ['+12025550301', '+12025550302'],
    });
    assert.deepEqual([r1.contacts, r1.withoutPhone], [4, 1]);
    assert.deepEqual(await lists(store), [
      'allow +12025550301 manual Mum null',
      'allow +12025550311 contacts Ann Lee null',
      'allow +12025550312 contacts Bob null',
      'allow +12025550313 contacts Bob null',
      'allow +12025550314 contacts Cy Young null',
      'block +12025550302 manual Ex null',
    ]);
    const added = await store.lookup('+12025550311');
    assert.equal(added.allow?.added_by, `carddav (127.0.0.1:${new URL(dav.origin).port})`);

    // Bob's work number changes and Ann is renamed; Cy is deleted.
    await dav.put(
      `${BOOK}bob.vcf`,
      crlf(
        'BEGIN:VCARD',
        'VERSION:4.0',
        'UID:bob',
        'FN:Bob',
        'TEL;VALUE=uri;TYPE="cell,voice":tel:+1-202-555-0312',
        'TEL;TYPE=work:+12025550315',
        'END:VCARD',
      ),
    );
    await dav.put(
      `${BOOK}ann.vcf`,
      crlf(
        'BEGIN:VCARD',
        'VERSION:3.0',
        'UID:ann',
        'FN:Ann Lee-Smith',
        'TEL;TYPE=cell:+1 202 555 0311',
        'END:VCARD',
      ),
    );
    await dav.delete(`${BOOK}cy.vcf`);
    const r2 = await syncCardDav(store, davConfig);
    assert.deepEqual(counts(r2), {
      added: 1,
      updated: 1,
      removed: 2,
      unchanged: 1,
      skipped: ['+12025550301'],
    });
    assert.deepEqual(await lists(store), [
      'allow +12025550301 manual Mum null',
      'allow +12025550311 contacts Ann Lee-Smith null',
      'allow +12025550312 contacts Bob null',
      'allow +12025550315 contacts Bob null',
      'block +12025550302 manual Ex null',
    ]);
  });

  it('refuses a wrong password, a URL that is not an address book, and a server that is not CardDAV', async () => {
    const auth = await failure(withDav({ 'contacts.carddav.password': 'wrong' }));
    assert.ok(auth instanceof CardDavError);
    assert.equal(auth.code, 'CARDDAV_AUTH');
    assert.match(auth.message, /refused user "alice" and its password \(HTTP 401\)/);
    assert.doesNotMatch(auth.message, /wrong/);

    const principal = await failure(withDav({ 'contacts.carddav.url': `${dav.origin}/alice/` }));
    assert.equal((principal as CardDavError).code, 'CARDDAV_NOT_ADDRESSBOOK');
    assert.match(principal.message, /is not a CardDAV address book/);

    const web = await fakeServer({ status: 200, body: '<html>hello</html>' });
    try {
      const e = await failure(withDav({ 'contacts.carddav.url': web.url }));
      assert.equal((e as CardDavError).code, 'CARDDAV_FAILED');
      assert.match(e.message, /answered PROPFIND with HTTP 200, not 207 Multi-Status: not a CardDAV server/);
    } finally {
      web.server.closeAllConnections();
      web.server.close();
    }

    const silent = await fakeServer('hang');
    try {
      const t0 = Date.now();
      const e = await failure(
        withDav({ 'contacts.carddav.url': silent.url, 'contacts.carddav.timeoutMs': 1_000 }),
      );
      assert.equal((e as CardDavError).code, 'CARDDAV_TIMEOUT');
      assert.match(e.message, /did not answer PROPFIND within 1000 ms/);
      assert.ok(Date.now() - t0 < 3_000);
    } finally {
      silent.server.closeAllConnections();
      silent.server.close();
    }
  });

  it('a card the parser refuses stops the whole sync, naming the card and line; nothing is half-applied', async () => {
    // Radicale checks cards on PUT, but keeps a card nested in another (vCard 2.1's AGENT).
    await dav.put(
      `${BOOK}dee.vcf`,
      crlf('BEGIN:VCARD', 'VERSION:3.0', 'UID:dee', 'FN:Dee', 'TEL:+12025550316', 'END:VCARD'),
    );
    await dav.put(
      `${BOOK}boss.vcf`,
      crlf(
        'BEGIN:VCARD',
        'VERSION:3.0',
        'UID:boss',
        'FN:Boss',
        'TEL:+12025550317',
        'AGENT;VALUE=vcard:',
        'BEGIN:VCARD',
        'FN:Secretary',
        'END:VCARD',
        'END:VCARD',
      ),
    );
    const e = await failure(davConfig);
    assert.ok(e instanceof VCardError);
    assert.match(
      e.message,
      /^\/alice\/contacts\/boss\.vcf:\d+: BEGIN:VCARD inside the card begun on line 1$/,
    );
    await dav.delete(`${BOOK}boss.vcf`);
    assert.equal((await syncCardDav(store, davConfig)).added, 1, 'Dee, once the bad card is gone');
  });

  it('doorman contacts sync and import print the report; --dry-run writes nothing', () => {
    const env = {
      ...process.env,
      DOORMAN_STORE_URL: storeUrl,
      DOORMAN_CONTACTS_CARDDAV_URL: `${dav.origin}${BOOK}`,
      DOORMAN_CONTACTS_CARDDAV_USERNAME: dav.user,
      DOORMAN_CONTACTS_CARDDAV_PASSWORD: dav.password,
    };
    const doorman = (...args: string[]) =>
      spawnSync(process.execPath, cliArgs(...args), { env, encoding: 'utf8', timeout: 30_000 });
    const sync = doorman('contacts', 'sync', '--dry-run');
    assert.equal(sync.status, 0, sync.stderr);
    assert.match(sync.stdout, /skipped \+12025550301: already on the allow list \(source manual\)/);
    assert.match(
      sync.stdout,
      /dry run, nothing written: would have added 0, updated 0, removed 0, unchanged 4, skipped 1 \(4 contacts with a phone number, 1 without\)/,
    );

    const vcf = join(dir, 'export.vcf');
    writeFileSync(vcf, card('Eve', '+12025550318') + card('Dee', '+12025550316'));
    const dry = doorman('contacts', 'import', vcf, '--dry-run');
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /would have added 1, updated 0, removed 3, unchanged 1, skipped 0/);
    const real = doorman('contacts', 'import', vcf);
    assert.match(real.stdout, /^added 1, updated 0, removed 3, unchanged 1, skipped 0/m);

    writeFileSync(vcf, 'BEGIN:VCARD\nFN:Broken\n');
    const broken = doorman('contacts', 'import', vcf);
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /export\.vcf:1: BEGIN:VCARD without END:VCARD/);
    const usage = doorman('contacts', 'import');
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /contacts import needs a FILE\.vcf/);
  });

  it('keeps the list in sync while Doorman runs: a round at start, logged; stop ends it', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (l: string) => lines.push(l) });
    const sync = keepContactsInSync(store, davConfig, log);
    await waitUntil('the first round is logged', () =>
      lines.some((l) => /contacts synced from CardDAV/.test(l)),
    );
    await sync.stop();
    const line = JSON.parse(lines.find((l) => /contacts synced/.test(l)) as string);
    assert.equal(line.added, 3, 'back from the file import to the address book');
    assert.equal(line.removed, 1);
  });

  it('hides the CardDAV password from doorman config and the logger', () => {
    const shown = JSON.stringify(hideSecrets(davConfig));
    assert.ok(!shown.includes(dav.password));
    assert.match(shown, /"password":"\[hidden\]"/);
    const lines: string[] = [];
    createLogger('info', { write: (l: string) => lines.push(l) }).info(
      { contacts: davConfig.contacts },
      'config',
    );
    assert.ok(!lines.join('').includes(dav.password), lines.join(''));
  });

  it('a server that is down is a clear error, and the list stays as it was', async () => {
    await dav.stop();
    const e = await failure(davConfig);
    assert.ok(e instanceof CardDavError);
    assert.equal(e.code, 'CARDDAV_UNREACHABLE');
    assert.match(
      e.message,
      new RegExp(`^CardDAV ${dav.origin}/alice/contacts/: cannot be reached \\(ECONNREFUSED\\)$`),
    );
    const before = await lists(store);
    const lines: string[] = [];
    const sync = keepContactsInSync(
      store,
      davConfig,
      pino({ level: 'info' }, { write: (l: string) => lines.push(l) }),
    );
    await waitUntil('the failed round is logged', () =>
      lines.some((l) => /contacts not synced this time/.test(l)),
    );
    await sync.stop();
    assert.match(lines.join(''), /tried again in 15 min/);
    assert.deepEqual(await lists(store), before);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallReport } from '../../src/calls/call-report.js';
import { LiveFeed } from '../../src/calls/live-feed.js';
import { configSchema } from '../../src/config/schema.js';
import { ChangeFeed } from '../../src/events/change-feed.js';
import { ScreeningWatch } from '../../src/events/screening-watch.js';
import { parseCsv } from '../../src/lists/csv.js';
import { createLogger } from '../../src/log.js';
import { NameRules } from '../../src/match/name-rules.js';
import { NumberRules } from '../../src/match/number-rules.js';
import { isBypassed } from '../../src/policy/checks/bypass.js';
import { NumberRuleStore } from '../../src/store/number-rule-store.js';
import { OutboundGrantStore } from '../../src/store/outbound-grant-store.js';
import { PinSets } from '../../src/store/pin-sets.js';
import { readBypass } from '../../src/store/screening-state.js';
import { type CallRow, Store } from '../../src/store/store.js';
import { Cached } from '../../src/util/cached.js';
import { createWebServer } from '../../src/web/server.js';
import { api, callRow as sharedCallRow, startTestWeb, type TestWeb } from '../support/web.js';

const callRow = (id: string, over: Partial<CallRow> = {}): CallRow =>
  sharedCallRow(id, { started_at: '2026-03-01T10:00:00.000Z', ...over });

describe('admin API: callers', () => {
  let web: TestWeb;
  before(async () => {
    web = await startTestWeb();
  });
  after(() => web.close());

  it('adds, reads, changes and deletes a caller', async () => {
    const added = await api(web, 'POST', '/api/callers', {
      number: '(555) 010-2000',
      name: 'Mum',
      destination: 'voicemail',
      note: 'call me',
      expiresAt: '2099-01-31',
    });
    assert.equal(added.status, 201);
    assert.equal(added.body.number, '+15550102000');
    assert.equal(added.body.source, 'api');
    assert.equal(added.body.addedBy, 'api (token tests)');
    assert.equal(added.body.expiresAt, '2099-01-31T00:00:00.000Z');
    const id = added.body.id;

    const changed = await api(web, 'PATCH', `/api/callers/${id}`, { destination: 'desk', note: null });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.destination, 'desk');
    assert.equal(changed.body.note, null);
    assert.equal(changed.body.name, 'Mum', 'fields not sent are kept');
    assert.equal(changed.body.source, 'api');
    assert.equal((await api(web, 'GET', `/api/callers/${id}`)).body.destination, 'desk');

    const bad = await api(web, 'PATCH', `/api/callers/${id}`, { destination: 'nowhere' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /no destination named "nowhere"/);
    assert.equal((await api(web, 'PATCH', `/api/callers/${id}`, { expiresAt: 'soon' })).status, 400);
    assert.equal((await api(web, 'POST', '/api/callers', { number: 'anonymous' })).status, 400);

    assert.equal((await api(web, 'DELETE', `/api/callers/${id}`)).status, 204);
    assert.equal((await api(web, 'GET', `/api/callers/${id}`)).status, 404);
    assert.equal((await api(web, 'DELETE', `/api/callers/${id}`)).status, 404);
    const missing = await api(web, 'PATCH', '/api/callers/does-not-exist', { name: 'x' });
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /no caller with id "does-not-exist"/);
  });

  it('lists with filters and pages', async () => {
    for (let i = 0; i < 12; i++)
      await api(web, 'POST', '/api/callers', {
        number: `+1555020${String(i).padStart(4, '0')}`,
        name: i % 2 ? `Odd 100% ${i}` : `Even ${i}`,
        list: i < 3 ? 'block' : 'allow',
      });
    const all = await api(web, 'GET', '/api/callers?limit=5');
    assert.equal(all.body.total, 12);
    assert.equal(all.body.items.length, 5);
    const next = await api(web, 'GET', '/api/callers?limit=5&offset=10');
    assert.equal(next.body.items.length, 2);
    assert.equal((await api(web, 'GET', '/api/callers?list=block')).body.total, 3);
    assert.equal((await api(web, 'GET', '/api/callers?source=import')).body.total, 0);
    const odd = await api(web, 'GET', '/api/callers?search=odd%20100%25');
    assert.equal(odd.body.total, 6, 'case-insensitive; % is literal');
    assert.equal((await api(web, 'GET', '/api/callers?search=%25')).body.total, 6);
    const byNumber = await api(web, 'GET', `/api/callers?search=${encodeURIComponent('(555) 020-0007')}`);
    assert.deepEqual(
      byNumber.body.items.map((c: { number: string }) => c.number),
      ['+15550200007'],
    );
    assert.equal((await api(web, 'GET', '/api/callers?limit=0')).status, 400);
    assert.equal((await api(web, 'GET', '/api/callers?list=grey')).status, 400);
  });

  it('moves and deletes in bulk', async () => {
    const ids = (await api(web, 'GET', '/api/callers?search=Even&limit=500')).body.items.map(
      (c: { id: string }) => c.id,
    );
    assert.equal(ids.length, 6);
    const moved = await api(web, 'POST', '/api/callers/bulk-move', {
      ids,
      list: 'block',
      destination: 'sit',
    });
    assert.deepEqual(moved.body, { moved: 6 });
    const evens = (await api(web, 'GET', '/api/callers?search=Even&limit=500')).body.items;
    assert.equal(evens.length, 6, 'moved, not copied');
    assert.ok(
      evens.every(
        (c: { list: string; destination: string }) => c.list === 'block' && c.destination === 'sit',
      ),
    );
    assert.equal(
      (await api(web, 'POST', '/api/callers/bulk-move', { ids, destination: 'nowhere' })).status,
      400,
    );
    assert.equal((await api(web, 'POST', '/api/callers/bulk-move', { ids })).status, 400);
    const newIds = evens.map((c: { id: string }) => c.id);
    assert.deepEqual((await api(web, 'POST', '/api/callers/bulk-delete', { ids: newIds })).body, {
      deleted: 6,
    });
    assert.equal((await api(web, 'GET', '/api/callers?search=Even')).body.total, 0);
    assert.equal((await api(web, 'POST', '/api/callers/bulk-delete', { ids: [] })).status, 400);
  });

  it('imports CSV, reporting rejected rows by line, and exports it defused', async () => {
    const csv = [
      'number,name,list,destination,note',
      '+15550301111,"Smith, John",allow,desk,"said ""hi"""',
      'not a number,Nobody,allow,,',
      '+15550302222,=HYPERLINK("http://x"),block,,',
      '+15550303333,Someone,maybe,,',
    ].join('\n');
    const r = await fetch(`${web.base}/api/callers/import?list=allow`, {
      method: 'POST',
      headers: { authorization: `Bearer ${web.token}`, 'content-type': 'text/csv' },
      body: csv,
    });
    assert.equal(r.status, 200);
    const report = (await r.json()) as { imported: number; rejected: Array<{ line: number }> };
    assert.equal(report.imported, 2);
    assert.deepEqual(
      report.rejected.map((x) => x.line),
      [3, 5],
    );
    const smith = (await api(web, 'GET', '/api/callers?search=smith')).body.items[0];
    assert.equal(smith.source, 'import');
    assert.equal(smith.note, 'said "hi"');

    const out = await fetch(`${web.base}/api/callers/export?list=block`, {
      headers: { authorization: `Bearer ${web.token}` },
    });
    assert.match(out.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(out.headers.get('content-disposition') ?? '', /attachment/);
    const rows = [...parseCsv(await out.text())].map(([, f]) => f);
    assert.equal(rows[0]?.[0], 'number');
    const hyper = rows.find((f) => f[0] === '+15550302222');
    assert.equal(hyper?.[1], `'=HYPERLINK("http://x")`);
    assert.ok(rows.every((f, i) => i === 0 || f[2] === 'block'));

    const empty = await fetch(`${web.base}/api/callers/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${web.token}`, 'content-type': 'text/csv' },
      body: 'name,note\nx,y\n',
    });
    assert.equal(empty.status, 400);
    assert.match(((await empty.json()) as { message: string }).message, /including "number"/);
  });
});

describe('admin API: name rules', () => {
  let web: TestWeb;
  let cache: Cached<NameRules>;
  before(async () => {
    web = await startTestWeb({}, (store) => {
      // The running app's cache of the rules, as the blocklist check reads them.
      cache = new Cached(async () => new NameRules(await store.nameRules()), 60_000);
      return { caches: { nameRules: cache } };
    });
  });
  after(() => web.close());

  it('adds, lists and deletes rules; refuses dangerous regexes with the reason', async () => {
    const exact = await api(web, 'POST', '/api/name-rules', {
      kind: 'exact',
      pattern: "Police Officers' PAC",
    });
    assert.equal(exact.status, 201);
    const regex = await api(web, 'POST', '/api/name-rules', {
      kind: 'regex',
      pattern: '^V[0-9]+$',
      note: 'spam',
    });
    assert.equal(regex.status, 201);
    const bad = await api(web, 'POST', '/api/name-rules', { kind: 'regex', pattern: '(a)\\1' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /no backreferences or lookaround/);
    assert.match(
      (await api(web, 'POST', '/api/name-rules', { kind: 'regex', pattern: '[]|(a+)+$' })).body.message,
      /not a valid regular expression/,
    );
    const allow = await api(web, 'POST', '/api/name-rules', {
      kind: 'exact',
      pattern: 'CVS Pharmacy',
      list: 'allow',
      destination: 'voicemail',
    });
    assert.equal(allow.status, 201);
    assert.deepEqual([allow.body.list, allow.body.destination], ['allow', 'voicemail']);
    assert.equal((await cache.get()).match('cvs pharmacy', 'allow')?.id, allow.body.id);
    assert.equal((await cache.get()).match('cvs pharmacy', 'block'), null);
    const nowhere = await api(web, 'POST', '/api/name-rules', {
      kind: 'exact',
      pattern: 'X',
      destination: 'nowhere',
    });
    assert.equal(nowhere.status, 400);
    assert.match(nowhere.body.message, /no destination named "nowhere"/);
    assert.equal((await api(web, 'DELETE', `/api/name-rules/${allow.body.id}`)).status, 204);
    const listed = await api(web, 'GET', '/api/name-rules');
    assert.deepEqual(
      listed.body.items.map((r: { pattern: string }) => r.pattern),
      ["Police Officers' PAC", '^V[0-9]+$'],
    );
    assert.ok((await cache.get()).match('POLICE OFFICERS PAC'), "the app's cache was invalidated");
    assert.equal((await api(web, 'DELETE', `/api/name-rules/${exact.body.id}`)).status, 204);
    assert.equal((await cache.get()).match('POLICE OFFICERS PAC'), null);
    assert.equal((await api(web, 'DELETE', `/api/name-rules/${exact.body.id}`)).status, 404);
    assert.equal((await api(web, 'GET', '/api/name-rules')).body.items.length, 1);
  });
});

describe('admin API: number rules', () => {
  let web: TestWeb;
  let cache: Cached<NumberRules>;
  before(async () => {
    web = await startTestWeb({}, (store) => {
      // The running app's cache of the rules, as the list checks read them.
      cache = new Cached(async () => new NumberRules(await new NumberRuleStore(store).list()), 60_000);
      return { caches: { numberRules: cache } };
    });
  });
  after(() => web.close());

  it('adds, lists and deletes prefix, range and neighbour rules; refuses bad ones with the reason', async () => {
    const prefix = await api(web, 'POST', '/api/number-rules', {
      list: 'block',
      kind: 'prefix',
      pattern: '+1900',
      destination: 'voicemail',
    });
    assert.equal(prefix.status, 201);
    assert.equal(prefix.body.destination, 'voicemail');
    const range = await api(web, 'POST', '/api/number-rules', {
      list: 'allow',
      kind: 'range',
      pattern: '+1555010-+1555019',
      note: 'the branch office',
    });
    assert.equal(range.status, 201);
    assert.equal((await cache.get()).match('block', '+19005550100')?.id, prefix.body.id, 'cache invalidated');
    assert.equal((await cache.get()).match('allow', '+15550150000')?.id, range.body.id);
    for (const [body, why] of [
      [{ list: 'block', kind: 'prefix', pattern: '1900' }, /a prefix is \+ and 1 to 15 digits/],
      [{ list: 'block', kind: 'range', pattern: '+1555019-+1555010' }, /ends before it starts/],
      [{ list: 'block', kind: 'range', pattern: '+155501-+1555019' }, /as many digits/],
      [{ list: 'block', kind: 'neighbour', pattern: '2' }, /4 to 14/],
      [
        { list: 'block', kind: 'prefix', pattern: '+44', destination: 'nowhere' },
        /no destination named "nowhere"/,
      ],
    ] as const) {
      const r = await api(web, 'POST', '/api/number-rules', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.message, why);
    }
    assert.equal(
      (await api(web, 'POST', '/api/number-rules', { list: 'x', kind: 'prefix', pattern: '+1' })).status,
      400,
    );
    const listed = await api(web, 'GET', '/api/number-rules');
    assert.deepEqual(
      listed.body.items.map((r: { pattern: string }) => r.pattern),
      ['+1900', '+1555010-+1555019'],
    );
    assert.equal((await api(web, 'DELETE', `/api/number-rules/${prefix.body.id}`)).status, 204);
    assert.equal((await cache.get()).match('block', '+19005550100'), null);
    assert.equal((await api(web, 'DELETE', `/api/number-rules/${prefix.body.id}`)).status, 404);
  });
});

describe('admin API: calls', () => {
  let web: TestWeb;
  before(async () => {
    web = await startTestWeb();
    const rows = [
      callRow('c1', {
        caller_raw: '+15550400001',
        caller_number: '+15550400001',
        caller_name: 'ACME Warranty',
      }),
      callRow('c2', {
        caller_raw: '5550400002',
        caller_number: '+15550400002',
        started_at: '2026-03-02T10:00:00.000Z',
        check_name: 'blocklist',
        destination: 'blocked',
      }),
      callRow('c3', {
        caller_raw: 'anonymous',
        caller_number: 'anonymous',
        started_at: '2026-03-03T10:00:00.000Z',
        outcome: 'hung-up',
        destination: null,
        check_name: null,
      }),
      callRow('c4', {
        caller_raw: '+15550400001',
        caller_number: '+15550400001',
        started_at: '2026-03-04T10:00:00.000Z',
      }),
    ];
    for (const r of rows) await web.store.recordCall(r);
  });
  after(() => web.close());

  it('lists with filters, newest first, and shows one call', async () => {
    const all = await api(web, 'GET', '/api/calls');
    assert.deepEqual(
      all.body.items.map((c: { id: string }) => c.id),
      ['c4', 'c3', 'c2', 'c1'],
    );
    const ids = async (q: string) =>
      (await api(web, 'GET', `/api/calls?${q}`)).body.items.map((c: { id: string }) => c.id);
    assert.deepEqual(await ids('outcome=hung-up'), ['c3']);
    assert.deepEqual(await ids('check=blocklist'), ['c2']);
    assert.deepEqual(await ids('destination=desk'), ['c4', 'c1']);
    assert.deepEqual(await ids('from=2026-03-02&to=2026-03-04'), ['c3', 'c2']);
    assert.deepEqual(await ids('caller=acme'), ['c1']);
    assert.deepEqual(await ids('caller=0400001'), ['c4', 'c1']);
    assert.equal((await api(web, 'GET', '/api/calls?from=yesterday')).status, 400);
    const one = await api(web, 'GET', '/api/calls/c1');
    assert.equal(one.body.callerName, 'ACME Warranty');
    assert.deepEqual(one.body.checks, [{ check: 'bypass', result: 'next', ms: 1 }]);
    assert.equal(one.body.hasRecording, false);
    assert.equal((await api(web, 'GET', '/api/calls/nope')).status, 404);
  });

  it('marks calls as spam by id, skipping withheld numbers', async () => {
    const r = await api(web, 'POST', '/api/calls/mark-spam', { ids: ['c1', 'c3', 'c4'] });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { blocked: ['+15550400001'], skipped: 1 });
    const entry = (await web.store.lookup('+15550400001')).block;
    assert.equal(entry?.source, 'api');
    assert.equal((await web.store.lookup('anonymous')).block, undefined);
  });

  it('marks every call matching a filter as spam', async () => {
    const r = await api(web, 'POST', '/api/calls/mark-spam', { filter: { check: 'blocklist' } });
    assert.deepEqual(r.body, { blocked: ['+15550400002'], skipped: 0 });
    assert.ok((await web.store.lookup('+15550400002')).block);
    assert.equal((await api(web, 'POST', '/api/calls/mark-spam', {})).status, 400);
    assert.equal((await api(web, 'POST', '/api/calls/mark-spam', { ids: ['c1'], filter: {} })).status, 400);
  });
});

describe('admin API: stats, calls export, routing', () => {
  let web: TestWeb;
  const day = (daysAgo: number, hour = 10) => {
    const d = new Date();
    d.setUTCDate(d.getUTCDate() - daysAgo);
    d.setUTCHours(hour, 0, 0, 0);
    return d.toISOString();
  };
  before(async () => {
    web = await startTestWeb({
      outboundPin: { extensions: { '1001': { pin: '987654' } } },
      ari: { password: 'ari-secret-password' },
    });
    const rows = [
      callRow('s1', { started_at: day(0, 1) }),
      callRow('s2', { started_at: day(0, 2), outcome: 'hung-up' }),
      callRow('s3', {
        started_at: day(1),
        check_name: 'blocklist',
        caller_number: '+15550500001',
        caller_name: 'Spam Co',
      }),
      callRow('s4', { started_at: day(2), check_name: 'blocklist', caller_number: '+15550500001' }),
      callRow('s5', { started_at: day(2), check_name: 'blocklist', caller_number: '+15550500002' }),
      callRow('s6', { started_at: day(20), check_name: 'blocklist', caller_number: '+15550500002' }),
      callRow('s8', { started_at: day(1), check_name: 'flood', caller_number: '+15550500003' }),
      callRow('s7', {
        started_at: day(3),
        caller_name: '=HYPERLINK("http://evil")',
        transcript: 'I want "Alice", please',
        account_code: 'emp-42',
      }),
    ];
    for (const r of rows) await web.store.recordCall(r);
  });
  after(() => web.close());

  it('counts calls per UTC day by outcome, and the most blocked numbers, over the last days', async () => {
    const r = await api(web, 'GET', '/api/stats?days=7');
    assert.equal(r.status, 200);
    assert.equal(r.body.days.length, 7);
    assert.equal(r.body.from, day(6).slice(0, 10));
    const byDay = Object.fromEntries(
      r.body.days.map((d: { day: string; outcomes: object }) => [d.day, d.outcomes]),
    );
    assert.deepEqual(byDay[day(0).slice(0, 10)], { routed: 1, 'hung-up': 1 });
    assert.deepEqual(byDay[day(2).slice(0, 10)], { routed: 2 });
    assert.deepEqual(byDay[day(5).slice(0, 10)], {});
    assert.deepEqual(r.body.topBlocked, [
      { number: '+15550500001', name: 'Spam Co', calls: 2 },
      { number: '+15550500002', name: '', calls: 1 },
    ]);
    assert.deepEqual(r.body.topFlooding, [{ number: '+15550500003', name: '', calls: 1 }]);
    assert.equal((await api(web, 'GET', '/api/stats?days=0')).status, 400);
  });

  it('exports the calls of a date range as CSV with the PIN label, formulas defused', async () => {
    const r = await api(web, 'GET', `/api/calls/export?from=${day(3, 0)}&to=${day(1, 0)}`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/csv/);
    const rows = [...parseCsv(r.body)].map(([, fields]) => fields);
    assert.deepEqual(rows[0], [
      'started_at',
      'caller_number',
      'caller_name',
      'did',
      'route',
      'outcome',
      'check',
      'destination',
      'reason',
      'transcript',
      'account_code',
    ]);
    assert.equal(rows.length, 4, 'the calls from 3 days ago up to (not including) yesterday');
    const s7 = rows[1] ?? [];
    assert.equal(s7[2], `'=HYPERLINK("http://evil")`);
    assert.equal(s7[9], 'I want "Alice", please');
    assert.equal(s7[10], 'emp-42');
    assert.ok((rows[2]?.[0] ?? '') <= (rows[3]?.[0] ?? ''), 'oldest first');
    assert.equal((await api(web, 'GET', '/api/calls/export?from=soon')).status, 400);
  });

  it('shows destinations and routes, and no secret from the config', async () => {
    const r = await api(web, 'GET', '/api/routing');
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.destinations.find((d: { name: string }) => d.name === 'desk'),
      { name: 'desk', target: 'dialplan doorman-destinations,desk,1' },
    );
    assert.deepEqual(r.body.routes[0], {
      name: 'default',
      checks: ['bypass', 'blocklist', 'allowlist', 'challenge'],
      unknown: 'desk',
      blocked: 'blocked',
      machine: null,
      announce: 'never',
      blockAnonymous: false,
      pinSet: null,
    });
    const text = JSON.stringify(r.body);
    assert.doesNotMatch(text, /987654|ari-secret-password/);
  });
});

describe('admin API: screening', () => {
  let web: TestWeb;
  let bypass: Cached<Awaited<ReturnType<typeof readBypass>>>;
  before(async () => {
    web = await startTestWeb({}, (store) => {
      // The running app's cache of the bypass state, as the bypass check reads it, and its watch.
      bypass = new Cached(() => readBypass(store), 60_000);
      const log = createLogger('silent');
      return { screening: new ScreeningWatch(store, bypass, new ChangeFeed(log), log) };
    });
  });
  after(() => web.close());

  it('switches screening off and on, and runs a timed bypass, as the running app sees it', async () => {
    assert.equal(isBypassed(await bypass.get(), new Date()), false);
    assert.deepEqual((await api(web, 'GET', '/api/screening')).body, {
      on: true,
      bypassUntil: null,
      bypassed: false,
    });
    assert.deepEqual((await api(web, 'POST', '/api/screening', { on: false })).body, {
      on: false,
      bypassUntil: null,
      bypassed: true,
    });
    assert.equal(isBypassed(await bypass.get(), new Date()), true, "the app's cache was invalidated");
    await api(web, 'POST', '/api/screening', { on: true });
    const by = await api(web, 'POST', '/api/screening/bypass', { minutes: 30 });
    assert.equal(by.body.on, true);
    assert.equal(by.body.bypassed, true);
    const minutes = (Date.parse(by.body.bypassUntil) - Date.now()) / 60_000;
    assert.ok(minutes > 29 && minutes <= 30, String(minutes));
    assert.equal(isBypassed(await bypass.get(), new Date()), true);
    assert.equal(
      (await api(web, 'POST', '/api/screening', { on: true })).body.bypassed,
      false,
      'on ends a bypass',
    );
    assert.equal(isBypassed(await bypass.get(), new Date()), false);
    assert.equal((await api(web, 'POST', '/api/screening/bypass', { minutes: -1 })).status, 400);
    assert.equal((await api(web, 'POST', '/api/screening', { on: 'yes' })).status, 400);
  });
});

describe('admin API: directory', () => {
  let web: TestWeb;
  before(async () => {
    web = await startTestWeb();
  });
  after(() => web.close());

  it('lists the entries', async () => {
    const r = await api(web, 'GET', '/api/directory');
    assert.ok(r.body.items.some((e: { id: string }) => e.id === 'alice-johnson'));
  });

  it('tries a typed answer with the live matcher and decision', async () => {
    const hit = await api(web, 'POST', '/api/directory/try', {
      text: "I'd like to speak to Alice Johnson please",
    });
    assert.equal(hit.status, 200);
    assert.equal(hit.body.outcome, 'match');
    assert.equal(hit.body.entry, 'alice-johnson');
    assert.equal(hit.body.candidates[0].id, 'alice-johnson');
    assert.equal(hit.body.candidates[0].name, 'Alice Johnson');
    assert.ok(hit.body.candidates[0].score >= web.config.challenge.acceptScore);
    assert.ok(hit.body.candidates[0].score > hit.body.candidates[1].score);
    const miss = await api(web, 'POST', '/api/directory/try', { text: 'what day of the week is it' });
    assert.equal(miss.body.outcome, 'nomatch');
    assert.equal(miss.body.entry, null);
    const long = await api(web, 'POST', '/api/directory/try', { text: 'word '.repeat(30) });
    assert.equal(long.body.outcome, 'machine');
    assert.equal((await api(web, 'POST', '/api/directory/try', { text: '' })).status, 400);
  });
});

describe('admin API: live stream', () => {
  it('streams what is in progress, then each event as it comes', async () => {
    const feed = new LiveFeed();
    feed.publish({
      type: 'started',
      callId: 'c1',
      at: 'now',
      callerNumber: '+15550001111',
      callerName: '<b>x</b>',
      did: '1',
      route: 'default',
    });
    const web = await startTestWeb({}, () => ({ live: feed }));
    try {
      const ctl = new AbortController();
      const res = await fetch(`${web.base}/api/live`, {
        headers: { authorization: `Bearer ${web.token}` },
        signal: ctl.signal,
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      const until = async (re: RegExp) => {
        while (!re.test(text)) text += new TextDecoder().decode((await reader.read()).value);
      };
      await until(/"callId":"c1"/);
      feed.publish({
        type: 'finished',
        callId: 'c1',
        at: 'later',
        outcome: 'routed',
        destination: 'desk',
        reason: 'x',
      });
      await until(/"type":"finished"/);
      const events = text
        .split('\n\n')
        .filter((b) => b.startsWith('data: '))
        .map((b) => JSON.parse(b.slice(6)));
      assert.deepEqual(
        events.map((e) => e.type),
        ['started', 'finished'],
      );
      assert.equal(events[0].callerName, '<b>x</b>', 'data, as JSON');
      const anonymous = await fetch(`${web.base}/api/live`);
      assert.equal(anonymous.status, 401);
      // Stopping the server ends a stream a client still holds open (or the stop would wait).
      await web.close();
      let rest = await reader.read();
      while (!rest.done) rest = await reader.read();
      ctl.abort();
    } finally {
      await web.close();
    }
  });
});

describe('admin API: PIN sets', () => {
  let web: TestWeb;
  before(async () => {
    web = await startTestWeb();
  });
  after(() => web.close());

  it('creates sets, puts PINs in (never out of a hashed set), imports CSV and unlocks callers', async () => {
    const created = await api(web, 'POST', '/api/pin-sets', { name: 'partners' });
    assert.equal(created.status, 201);
    assert.deepEqual([created.body.name, created.body.hashed, created.body.pins], ['partners', true, 0]);
    assert.equal((await api(web, 'POST', '/api/pin-sets', { name: 'partners' })).status, 409);
    assert.equal((await api(web, 'POST', '/api/pin-sets', { name: 'Bad Name' })).status, 400);

    const put = await api(web, 'PUT', '/api/pin-sets/partners/pins/ACME-0042', { pin: '482913' });
    assert.deepEqual([put.status, put.body.result], [200, 'added']);
    assert.equal(
      (await api(web, 'PUT', '/api/pin-sets/partners/pins/ACME-0042', { pin: '482914' })).body.result,
      'updated',
    );
    const clash = await api(web, 'PUT', '/api/pin-sets/partners/pins/Globex', { pin: '482914' });
    assert.equal(clash.status, 409);
    assert.ok(!clash.body.message.includes('482914'), 'the PIN is not echoed');
    assert.equal((await api(web, 'PUT', '/api/pin-sets/partners/pins/Globex', { pin: '12' })).status, 400);
    assert.equal((await api(web, 'PUT', '/api/pin-sets/nosuch/pins/Globex', { pin: '1234' })).status, 404);

    const r = await fetch(`${web.base}/api/pin-sets/partners/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${web.token}`, 'content-type': 'text/csv' },
      body: 'label,pin\nE-1,1111\nE-2,x\nE-3,3333\n',
    });
    const imported = (await r.json()) as {
      imported: number;
      rejected: Array<{ line: number; reason: string }>;
    };
    assert.equal(imported.imported, 2);
    assert.deepEqual(
      imported.rejected.map((x) => x.line),
      [3],
    );
    const listed = await api(web, 'GET', '/api/pin-sets/partners/pins');
    assert.deepEqual(
      listed.body.items.map((p: { label: string; pin: string | null }) => [p.label, p.pin]),
      [
        ['ACME-0042', null],
        ['E-1', null],
        ['E-3', null],
      ],
    );
    assert.equal((await api(web, 'GET', '/api/pin-sets')).body.items[0].pins, 3);

    await api(web, 'POST', '/api/pin-sets', { name: 'desk', hashed: false });
    await api(web, 'PUT', '/api/pin-sets/desk/pins/Front', { pin: '7777' });
    assert.equal((await api(web, 'GET', '/api/pin-sets/desk/pins')).body.items[0].pin, '7777');

    const pins = new PinSets(web.store);
    await pins.recordFailure('+15550009999');
    assert.equal(
      (await api(web, 'DELETE', `/api/pin-lockouts/${encodeURIComponent('+15550009999')}`)).body.cleared,
      1,
    );
    assert.equal((await api(web, 'DELETE', '/api/pin-sets/partners/pins/E-1')).status, 204);
    assert.equal((await api(web, 'DELETE', '/api/pin-sets/partners/pins/E-1')).status, 404);
    assert.equal((await api(web, 'DELETE', '/api/pin-sets/partners')).status, 204);
    assert.equal((await api(web, 'GET', '/api/pin-sets/partners/pins')).status, 404);
  });
});

describe('admin API: health and metrics', () => {
  it('reports each component, and starts while the database is unreachable', async () => {
    const config = configSchema.parse({
      store: { url: 'postgres://doorman@127.0.0.1:1/doorman', timeoutMs: 300 },
      log: { level: 'silent' },
    });
    const working = await startTestWeb();
    const store = Store.connect(config.store);
    const app = await createWebServer({ ...working.deps, config, store, ari: { connected: true } });
    try {
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      const r = await fetch(`${base}/health`);
      assert.equal(r.status, 503);
      assert.deepEqual(((await r.json()) as { components: unknown }).components, {
        ari: { state: 'connected', ok: true },
        database: { state: 'unreachable', ok: false },
        speech: { state: 'loaded', ok: true, engine: 'soundswallower' },
      });
      const login = await fetch(`${base}/api/screening`, {
        headers: { authorization: `Bearer ${working.token}` },
      });
      assert.equal(login.status, 503, 'credentials cannot be checked: unavailable, not unauthorised');
    } finally {
      await app.close();
      await store.close();
      await working.close();
    }
    const healthy = await startTestWeb({}, () => ({ ari: { connected: true } }));
    try {
      const r = await fetch(`${healthy.base}/health`);
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as { status: string }).status, 'ok');
    } finally {
      await healthy.close();
    }
  });

  it('counts calls by outcome, check durations and active calls', async () => {
    let active = 3;
    const web = await startTestWeb();
    const { CallMetrics } = await import('../../src/web/metrics.js');
    const metrics = new CallMetrics(() => active);
    const app = await createWebServer({ ...web.deps, metrics, logger: createLogger('silent') });
    try {
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      const report = {
        outcome: 'routed',
        verdict: { kind: 'route', destination: 'desk', reason: 'allowlisted', check: 'allowlist' },
        checks: [
          { check: 'bypass', result: 'next', ms: 2 },
          { check: 'allowlist', result: 'route', ms: 30 },
        ],
        answer: null,
        error: null,
        timings: { totalMs: 40 },
      } as unknown as CallReport;
      metrics.observe(report);
      metrics.observe(report);
      metrics.observe({
        ...report,
        verdict: { kind: 'route', destination: 'desk', reason: 'asked for Alice', check: 'challenge' },
        checks: [],
        answer: { outcome: 'match', decisionMs: 30 },
      } as unknown as CallReport);
      active = 1;
      const text = await (
        await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${web.token}` } })
      ).text();
      assert.match(text, /doorman_calls_total\{outcome="routed",check="allowlist"\} 2/);
      assert.match(text, /doorman_check_duration_seconds_count\{check="allowlist",result="route"\} 2/);
      assert.match(
        text,
        /doorman_check_duration_seconds_bucket\{le="0.05",check="allowlist",result="route"\} 2/,
      );
      assert.match(
        text,
        /doorman_check_duration_seconds_bucket\{le="0.01",check="allowlist",result="route"\} 0/,
      );
      assert.match(text, /doorman_active_calls 1/);
      assert.match(text, /doorman_stt_decision_seconds_bucket\{le="0.025"\} 0/);
      assert.match(text, /doorman_stt_decision_seconds_bucket\{le="0.05"\} 1/);
      assert.match(text, /doorman_challenge_answers_total\{decision="match"\} 1/);
      assert.match(text, /process_cpu_seconds_total/);
    } finally {
      await app.close();
      await web.close();
    }
  });
});

describe('admin API: outbound grants', () => {
  let web: TestWeb;
  before(async () => {
    web = await startTestWeb();
  });
  after(() => web.close());

  it('lists the grants that have not ended, and revokes one', async () => {
    const grants = new OutboundGrantStore(web.store);
    await grants.grant('1001', new Date(Date.now() + 600_000).toISOString());
    await grants.grant('1002', new Date(Date.now() - 1_000).toISOString());
    // A second grant replaces the first: one row per extension.
    await grants.grant('1001', new Date(Date.now() + 900_000).toISOString());
    const listed = await api(web, 'GET', '/api/outbound-grants');
    assert.deepEqual(
      listed.body.items.map((g: { extension: string }) => g.extension),
      ['1001'],
      'the ended grant of 1002 is not listed',
    );
    assert.ok(Date.parse(listed.body.items[0].expiresAt) > Date.now() + 800_000);
    assert.equal((await api(web, 'DELETE', '/api/outbound-grants/1001')).status, 204);
    assert.equal(await grants.until('1001'), null);
    assert.equal((await api(web, 'DELETE', '/api/outbound-grants/1001')).status, 404);
    assert.equal((await api(web, 'DELETE', '/api/outbound-grants/10%2701')).status, 400);
  });
});

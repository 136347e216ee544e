import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { CallRow } from '../../src/store/store.js';
import { launchChromium, logIn } from '../support/browser.js';
import { api, callRow, startTestWeb, type TestWeb } from '../support/web.js';

const ARTIFACTS = 'test-artifacts';

/** A call from `number` (raw as received) that the log shows with these facts. */
const from = (id: string, number: string, over: Partial<CallRow> = {}) =>
  callRow(id, { caller_number: number, caller_raw: number, ...over });

describe("admin API: filing a call's caller from the screening log", () => {
  let web: TestWeb;
  const file = (id: string, body: unknown) => api(web, 'POST', `/api/calls/${id}/caller`, body);
  const lists = (number: string) => web.store.lookup(number);

  before(async () => {
    web = await startTestWeb();
    for (const row of [
      from('a1', '+15550600001', {
        caller_name: 'WIRELESS CALLER',
        check_name: 'pin',
        destination: 'voicemail',
      }),
      from('a2', 'anonymous', { destination: 'desk' }),
      from('a3', '+15550600003', { check_name: 'blocklist', destination: 'blocked' }),
      // For "mark as spam" by check and destination: one call of four fits both.
      from('m1', '+15550610001', { check_name: 'challenge', destination: 'voicemail' }),
      from('m2', '+15550610002', { check_name: 'challenge', destination: 'desk' }),
      from('m3', '+15550610003', { check_name: 'allowlist', destination: 'voicemail' }),
      from('m4', '+15550610004', { check_name: 'default', destination: 'voicemail' }),
      from('m5', 'restricted', { check_name: 'challenge', destination: 'voicemail' }),
    ])
      await web.store.recordCall(row);
  });
  after(() => web?.close());

  it('allows a caller to where the call went, by default, as the author of the request', async () => {
    const r = await file('a1', { list: 'allow' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.caller.number, '+15550600001');
    assert.equal(r.body.caller.list, 'allow');
    assert.equal(r.body.caller.destination, 'voicemail');
    assert.equal(r.body.caller.source, 'api');
    assert.equal(r.body.caller.addedBy, 'api (token tests)');
    assert.equal(r.body.caller.scope, '');
    assert.equal(r.body.removedFromOther, false);
    assert.equal((await lists('+15550600001')).allow?.destination, 'voicemail');
    assert.deepEqual((await api(web, 'GET', '/api/calls/a1')).body.listed, {
      list: 'allow',
      destination: 'voicemail',
    });
  });

  it('blocks an allowed caller and allows them again: the latest word wins', async () => {
    const blocked = await file('a1', { list: 'block' });
    assert.equal(blocked.status, 200);
    assert.equal(blocked.body.removedFromOther, true);
    let now = await lists('+15550600001');
    assert.ok(now.block, 'on the block list');
    assert.equal(now.allow, undefined, 'off the allow list');
    const listed = (await api(web, 'GET', '/api/calls?caller=0600001')).body.items[0].listed;
    assert.deepEqual(listed, { list: 'block', destination: null });

    const allowed = await file('a1', { list: 'allow', destination: 'desk' });
    assert.equal(allowed.body.removedFromOther, true);
    now = await lists('+15550600001');
    assert.equal(now.allow?.destination, 'desk');
    assert.equal(now.block, undefined, 'off the block list');
  });

  it('re-files an allowed caller: a new destination, the name and note given to the entry kept', async () => {
    const entry = (await lists('+15550600001')).allow;
    assert.ok(entry);
    await api(web, 'PATCH', `/api/callers/${entry.id}`, { name: 'Mum', note: 'the landline' });
    const r = await file('a1', { list: 'allow', destination: 'voicemail' });
    assert.equal(r.status, 200);
    assert.equal(r.body.caller.id, entry.id, 'the same entry, changed');
    assert.equal(r.body.caller.destination, 'voicemail');
    assert.equal(r.body.caller.name, 'Mum');
    assert.equal(r.body.caller.note, 'the landline');
    const none = await file('a1', { list: 'allow', destination: null });
    assert.equal(none.body.caller.destination, null, "null: the route's default");
  });

  it('does not allow a blocked call to the destination the block list sent it to', async () => {
    const r = await file('a3', { list: 'allow' });
    assert.equal(r.status, 200);
    assert.equal(r.body.caller.destination, null);
  });

  it('refuses a withheld number, an unknown destination, call or field; needs credentials', async () => {
    const withheld = await file('a2', { list: 'block' });
    assert.equal(withheld.status, 409);
    assert.equal(withheld.body.code, 'NUMBER_WITHHELD');
    assert.match(withheld.body.message, /withheld their number/);
    assert.deepEqual(await lists('anonymous'), {});

    const before = (await lists('+15550600001')).allow;
    const nowhere = await file('a1', { list: 'allow', destination: 'nowhere' });
    assert.equal(nowhere.status, 400);
    assert.match(nowhere.body.message, /no destination named "nowhere"/);
    assert.equal((await lists('+15550600001')).allow?.updated_at, before?.updated_at, 'nothing written');

    assert.equal((await file('no-such-call', { list: 'block' })).status, 404);
    assert.equal((await file('a1', { list: 'grey' })).status, 400);
    assert.equal((await file('a1', { list: 'block', scope: '15550001000' })).status, 400);
    assert.equal((await file('a1', {})).status, 400);

    const anonymous = await fetch(`${web.base}/api/calls/a1/caller`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ list: 'block' }),
    });
    assert.equal(anonymous.status, 401);
    assert.equal((await lists('+15550600001')).block, undefined);
  });

  it('documents the route in the OpenAPI document', async () => {
    const doc = (await api(web, 'GET', '/api/openapi.json')).body;
    const op = doc.paths['/api/calls/{id}/caller']?.post;
    assert.ok(op, 'POST /api/calls/{id}/caller is documented');
    assert.ok(op.requestBody, 'with its body');
    assert.deepEqual(Object.keys(op.responses).sort(), ['200', '400', '404', '409']);
  });

  it('marks as spam exactly the calls a check and destination filter shows', async () => {
    const filter = { check: 'challenge', destination: 'voicemail' };
    const view = await api(web, 'GET', '/api/calls?check=challenge&destination=voicemail');
    assert.deepEqual(view.body.items.map((c: { id: string }) => c.id).sort(), ['m1', 'm5']);
    const r = await api(web, 'POST', '/api/calls/mark-spam', { filter });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { blocked: ['+15550610001'], skipped: 1 });
    const blocked = (await api(web, 'GET', '/api/callers?list=block&search=061000')).body.items.map(
      (c: { number: string }) => c.number,
    );
    assert.deepEqual(blocked, ['+15550610001'], 'calls outside the filter keep their callers off the list');
  });
});

describe('screening log in a browser', () => {
  let web: TestWeb;
  let browser: Browser;
  let page: Page;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    web = await startTestWeb();
    const rows = [
      from('b1', '+15550700001', {
        caller_name: 'WIRELESS CALLER',
        outcome: 'handed-back',
        reason: 'the challenge heard no name it knows after two tries',
        transcript: 'hello yes I am calling about your vehicle warranty which is about to expire',
      }),
      from('b2', '+15550700002', {
        caller_name: 'https://example.com/a/very/long/caller/name/with/no/spaces/in/it/at/all',
        check_name: 'blocklist',
        destination: 'blocked',
        reason: '+15550700002 is on the block list',
      }),
      from('b3', 'anonymous', { outcome: 'hung-up', check_name: 'default', destination: 'voicemail' }),
      from('b4', '+15550700004', { check_name: 'allowlist', reason: '+15550700004 is on the allow list' }),
    ];
    for (const row of rows) await web.store.recordCall(row);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, web.base);
  });
  after(async () => {
    await browser?.close();
    await web?.close();
  });

  const openLog = async () => {
    await page.goto(`${web.base}/#/calls`);
    await page.getByRole('table', { name: 'Calls' }).waitFor();
  };

  for (const width of [1280, 1024, 768]) {
    it(`shows every header on one line and breaks no word at ${width} px`, async () => {
      await page.setViewportSize({ width, height: 900 });
      await openLog();
      // Each word (letters and digits: a break at a hyphen or a slash is fair) must sit on one line.
      const broken = await page.evaluate(() => {
        const table = document.querySelector('main table');
        if (!table) return ['no table'];
        const out: string[] = [];
        // Lines a range of text is laid out on (no named helper: the page cannot see the bundler's).
        const range = document.createRange();
        for (const th of table.querySelectorAll('thead th')) {
          range.selectNodeContents(th);
          if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1)
            out.push(`header "${th.textContent}"`);
        }
        const walker = document.createTreeWalker(table.querySelector('tbody') ?? table, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          // The long unbroken name may wrap: that is what its cell is for.
          if ((node.textContent ?? '').length > 60) continue;
          for (const word of (node.textContent ?? '').matchAll(/[\p{L}\p{N}]+/gu)) {
            range.setStart(node, word.index);
            range.setEnd(node, word.index + word[0].length);
            if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1)
              out.push(`word "${word[0]}"`);
          }
        }
        return out;
      });
      assert.deepEqual(broken, []);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page itself does not scroll sideways (by ${overflow} px)`);
      await page.screenshot({ path: join(ARTIFACTS, `ui-calls-${width}.png`), fullPage: true });
    });
  }

  it('filters by check and destination', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await openLog();
    await page.getByLabel('Check', { exact: true }).selectOption('blocklist');
    await page.getByLabel('Destination', { exact: true }).selectOption('blocked');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByText('Calls 1–1 of 1').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Block +15550700002' }).count(), 1);
    await page.getByLabel('Check', { exact: true }).selectOption('');
    await page.getByLabel('Destination', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByText('Calls 1–4 of 4').waitFor();
  });

  it('blocks a caller from their row, and allows one to a destination picked there', async () => {
    await page.getByRole('button', { name: 'Block +15550700001' }).click();
    await page.getByRole('status').filter({ hasText: '+15550700001: blocked.' }).waitFor();
    const blocked = (await api(web, 'GET', '/api/callers?list=block&search=0700001')).body.items;
    assert.deepEqual(
      blocked.map((c: { number: string; source: string }) => [c.number, c.source]),
      [['+15550700001', 'api']],
    );

    await page.getByLabel('Destination for +15550700004').selectOption('voicemail');
    await page.getByRole('button', { name: 'Allow +15550700004' }).click();
    await page.getByRole('button', { name: 'Re-file +15550700004' }).waitFor();
    assert.equal((await web.store.lookup('+15550700004')).allow?.destination, 'voicemail');
    assert.equal(await page.getByText('number withheld').count(), 1, 'no buttons for the withheld caller');
  });
});

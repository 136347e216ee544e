import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { CallReport } from '../../src/calls/call-report.js';
import { DirectoryStore } from '../../src/store/directory-store.js';
import { WebAuthStore } from '../../src/store/web-auth.js';
import { CONFIRMS_WITH_KEY, type SimulatedCaller } from '../../src/telephony/simulated-caller.js';
import { Accounts } from '../../src/web/auth/accounts.js';
import { launchChromium, logIn } from '../support/browser.js';
import { ARTIFACTS, listCaller, startCaller, startTestDoorman, testConfig } from '../support/doorman.js';
import { speechWav } from '../support/speech.js';
import { ADMIN } from '../support/web.js';

/** The review's patterns that froze the old regex engine for seconds to minutes on one name. */
const BACKTRACKING_PATTERNS = ['(a+)+$', '.*.*.*.*.*.*.*.*!', '(\\w+\\s?)+\\w+!'];

/** The admin web app on a running Doorman, with real calls through the Asterisk sandbox. */
describe('the web app with live calls', () => {
  const config = testConfig({
    'directory.file': 'test/fixtures/directory.yaml',
    // The attack test's login flood comes "from" many addresses, as through a proxy.
    'web.trustProxy': 1,
    routes: { default: { unknown: 'fallback' } },
  });
  let doorman: Awaited<ReturnType<typeof startTestDoorman>>;
  let caller: SimulatedCaller;
  let browser: Browser;
  let page: Page;
  let base: string;
  const alice = speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please.");
  const zelda = speechWav('zelda', "Hello, I'd like to speak to Zelda Quigley, please.");
  const from = `+1555${String(Date.now()).slice(-7)}`;

  before(async () => {
    doorman = await startTestDoorman('web-live', config);
    caller = await startCaller('web-live', config);
    await new Accounts(new WebAuthStore(doorman.store), 3_600_000).setPassword(
      ADMIN.username,
      ADMIN.password,
    );
    base = `http://127.0.0.1:${(doorman.web?.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, base);
  });
  after(async () => {
    await browser?.close();
    await caller?.close();
    await doorman?.stop();
  });

  const call = () =>
    caller.call({
      from,
      to: '15550001000',
      say: alice,
      delaySeconds: 3.2,
      waitSeconds: 10,
      timeoutMs: 40_000,
      ...CONFIRMS_WITH_KEY,
    });

  it('shows a call on the Live page as it happens: in progress, what was heard, where it went', async () => {
    await page.goto(`${base}/#/live`);
    await page.getByRole('heading', { level: 1, name: 'Live' }).waitFor();
    const pending = call();
    const inProgress = page.getByRole('table', { name: 'Calls in progress' });
    await inProgress.getByRole('cell', { name: from }).waitFor({ timeout: 15_000 });
    const result = await pending;
    assert.equal(result.destination, 'desk');
    const finished = page
      .getByRole('table', { name: 'Just finished' })
      .getByRole('row')
      .filter({ hasText: from });
    await finished.waitFor({ timeout: 10_000 });
    const cells = await finished.getByRole('cell').allTextContents();
    assert.match(cells[2] ?? '', /alice johnson/);
    assert.equal(cells[3], 'routed to desk');
    await page.screenshot({ path: join(ARTIFACTS, 'ui-live.png'), fullPage: true });
  });

  it('adds a directory entry in the browser: "try it" matches it, and a caller asking for them is routed there', async () => {
    await page.goto(`${base}/#/directory`);
    await page.getByRole('heading', { level: 1, name: 'Directory' }).waitFor();
    await page.getByLabel('Id').fill('zelda-quigley');
    await page.getByLabel('Name', { exact: true }).fill('Zelda Quigley');
    await page.getByLabel('Destination', { exact: true }).selectOption('voicemail');
    await page.getByLabel('Languages').fill('de, fr');
    await page.getByRole('button', { name: 'Save entry' }).click();
    await page.getByRole('status').filter({ hasText: 'Zelda Quigley: added' }).waitFor();
    const saved = (await new DirectoryStore(doorman.store).list()).find((e) => e.id === 'zelda-quigley');
    assert.deepEqual(saved?.languages, ['de', 'fr']);
    await page.getByRole('cell', { name: 'Zelda Quigley', exact: true }).waitFor();
    await page.getByLabel('Phrase a caller might say').fill('could I speak to zelda quigley');
    await page.getByRole('button', { name: 'Try it' }).click();
    const row = page.getByRole('table', { name: 'Candidates' }).getByRole('row').nth(1);
    await row.waitFor();
    assert.equal((await row.getByRole('cell').allTextContents())[0], 'Zelda Quigley');
    await page.screenshot({ path: join(ARTIFACTS, 'ui-directory-edit.png'), fullPage: true });
    const r = await caller.call({
      from: `+1555${String(Date.now() + 1).slice(-7)}`,
      to: '15550001000',
      say: zelda,
      delaySeconds: 3.2,
      ...CONFIRMS_WITH_KEY,
      waitSeconds: 10,
      timeoutMs: 40_000,
    });
    assert.equal(r.destination, 'voicemail', 'the new entry is heard and routed to its destination');
    assert.equal((await doorman.report(r.channelId)).answer?.entry, 'zelda-quigley');
  });

  it("changes the caller's destination in the browser, and the next call goes there", async () => {
    await page.goto(`${base}/#/callers`);
    await page.getByRole('heading', { level: 1, name: 'Callers' }).waitFor();
    await page.getByLabel(`Destination for ${from}`).selectOption('voicemail');
    await page
      .getByRole('status')
      .filter({ hasText: `${from}: destination voicemail saved` })
      .waitFor();
    const next = await call();
    assert.equal(next.destination, 'voicemail', 'the allow list now sends this caller to voicemail');
    assert.equal((await doorman.report(next.channelId)).verdict?.check, 'allowlist');
  });

  it('routes screened calls by their own checks while the admin API is attacked', async () => {
    const { token } = await new Accounts(new WebAuthStore(doorman.store), 3_600_000).createToken('attack');
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${base}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
      });
    for (const pattern of BACKTRACKING_PATTERNS) {
      const r = await api('/api/name-rules', {
        method: 'POST',
        body: JSON.stringify({ kind: 'regex', pattern, list: 'block' }),
      });
      assert.equal(r.status, 201, await r.text());
    }
    const stamp = String(Date.now()).slice(-6);
    const blocked = `+1555${stamp}1`;
    const allowed = `+1555${stamp}2`;
    await listCaller(doorman.store, blocked, 'block');
    await listCaller(doorman.store, allowed, 'allow', 'voicemail');

    // The attack: 60 logins from 60 addresses, 50,000 callers imported, and caller-ID names
    // built to make those patterns backtrack.
    const flood = Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        fetch(`${base}/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.7.${i >> 8}.${i & 255}` },
          body: JSON.stringify({ username: `flood${i}`, password: 'wrong password' }),
        }).then((r) => r.status),
      ),
    );
    const csv = ['number,list'];
    for (let i = 0; i < 50_000; i++) csv.push(`+1444${String(i).padStart(7, '0')},block`);
    const bulk = api('/api/callers/import', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv.join('\n'),
    }).then(async (r) => ({ status: r.status, body: await r.text() }));
    // Matches none of the patterns, after the longest search the old engine could make.
    const hostile = `${'a'.repeat(60)}b`;
    let attackOver = false;
    void Promise.all([flood, bulk]).then(() => {
      attackOver = true;
    });
    const ids = ['blocked', 'allowed', 'rule'].map((who) => `attack-${who}-${stamp}`);
    const placed = Promise.all([
      caller.call({
        id: ids[0],
        from: blocked,
        to: '15550001000',
        delaySeconds: 0,
        waitSeconds: 4,
        timeoutMs: 30_000,
      }),
      caller.call({
        id: ids[1],
        from: allowed,
        name: hostile,
        to: '15550001000',
        delaySeconds: 0,
        waitSeconds: 4,
        timeoutMs: 30_000,
      }),
      caller.call({
        id: ids[2],
        from: `+1555${stamp}3`,
        name: 'a'.repeat(60),
        to: '15550001000',
        delaySeconds: 0,
        waitSeconds: 4,
        timeoutMs: 30_000,
      }),
    ]);
    const decided = await Promise.all(ids.map((id) => doorman.report(`${id}-in`)));
    assert.equal(attackOver, false, 'the calls were decided while the attack went on');
    const calls = await placed;
    const statuses = await flood;
    const imported = await bulk;
    assert.ok(
      statuses.every((s) => s === 401 || s === 503),
      statuses.join(' '),
    );
    assert.equal(imported.status, 200, imported.body);
    assert.equal(JSON.parse(imported.body).imported, 50_000);

    const [toBlock, toAllow, byRule] = decided as [CallReport, CallReport, CallReport];
    // Each decided by its own check, none by a check that timed out and let the caller through.
    assert.equal(toBlock.verdict?.check, 'blocklist', toBlock.verdict?.reason);
    assert.match(toBlock.verdict?.reason ?? '', /on the block list/);
    assert.equal(toAllow.verdict?.check, 'allowlist', toAllow.verdict?.reason);
    assert.equal(calls[1]?.destination, 'voicemail');
    assert.equal(byRule.verdict?.check, 'blocklist', byRule.verdict?.reason);
    assert.match(byRule.verdict?.reason ?? '', /matches rule "\(a\+\)\+\$"/);
    for (const r of [toBlock, toAllow, byRule])
      assert.ok(
        r.checks.every((c) => c.result === 'route' || c.result === 'next'),
        JSON.stringify(r.checks),
      );
    console.log(
      `# under attack: decided in ${[toBlock, toAllow, byRule].map((r) => Math.round(r.timings.totalMs)).join(', ')} ms`,
    );
  });
});

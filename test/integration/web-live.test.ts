import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DirectoryStore } from '../../src/store/directory-store.js';
import { WebAuthStore } from '../../src/store/web-auth.js';
import { CONFIRMS_WITH_KEY, type SimulatedCaller } from '../../src/telephony/simulated-caller.js';
import { Accounts } from '../../src/web/auth/accounts.js';
import { launchChromium, logIn } from '../support/browser.js';
import { ARTIFACTS, startCaller, startTestDoorman, testConfig } from '../support/doorman.js';
import { speechWav } from '../support/speech.js';
import { ADMIN } from '../support/web.js';

/** The admin web app on a running Doorman, with real calls through the Asterisk sandbox. */
describe('the web app with live calls', () => {
  const config = testConfig({
    'directory.file': 'test/fixtures/directory.yaml',
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
});

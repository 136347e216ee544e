import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { encodeWav } from '../../src/audio/wav.js';
import { OutboundGrantStore } from '../../src/store/outbound-grant-store.js';
import { launchChromium } from '../support/browser.js';
import { ADMIN, api, callRow, startTestWeb, type TestWeb } from '../support/web.js';

const ARTIFACTS = 'test-artifacts';

/** Markup a caller controls (caller-ID name, what they say): must show as text, never run. */
const XSS_IMG = '<img src=x onerror="window.__xss=1">';
const XSS_SCRIPT = '<script>window.__xss=1</script>';

/** One second of a 440 Hz tone: a WAV the browser must be able to load and play. */
function toneWav(seconds = 1): Buffer {
  const rate = 8000;
  const samples = Int16Array.from({ length: rate * seconds }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)),
  );
  return encodeWav({ sampleRate: rate, samples });
}

/** Seconds shown by a countdown such as 4:59 or 1:02:03. */
const seconds = (clock: string) => clock.split(':').reduce((t, part) => t * 60 + Number(part), 0);

describe('admin web app in a browser', () => {
  let web: TestWeb;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const problems: string[] = [];
  let callerId: string;

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `ui-${name}.png`), fullPage: true });
  const open = async (hash: string, heading: string) => {
    await page.goto(`${web.base}/#${hash}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };
  const assertNoScriptRan = async () => {
    assert.equal(await page.evaluate(() => (window as { __xss?: unknown }).__xss), undefined);
    assert.equal(await page.locator('main img, main script').count(), 0, 'no markup from data in the page');
    assert.deepEqual(dialogs, []);
  };

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    web = await startTestWeb();
    const recordings = join(web.dir, 'recordings');
    mkdirSync(recordings, { recursive: true });
    writeFileSync(join(recordings, 'answer.wav'), toneWav());
    writeFileSync(join(recordings, 'question.wav'), toneWav(2));

    const added = await api(web, 'POST', '/api/callers', {
      number: '+15550100001',
      name: XSS_IMG,
      destination: 'desk',
    });
    callerId = added.body.id;
    await api(web, 'POST', '/api/callers', { number: '+15550100002', name: XSS_SCRIPT, list: 'block' });

    await web.store.recordCall(
      callRow('recorded', {
        caller_number: '+15550100003',
        caller_raw: '+15550100003',
        caller_name: XSS_IMG,
        transcript: XSS_SCRIPT,
        candidates: '[{"id":"alice-johnson","score":0.91,"heard":"Alice Johnson"}]',
        recording: join(recordings, 'answer.wav'),
        question_recording: join(recordings, 'question.wav'),
      }),
    );
    for (const [id, number] of [
      ['hung-1', '+15550188001'],
      ['hung-2', '+15550188002'],
    ] as const)
      await web.store.recordCall(
        callRow(id, { caller_number: number, caller_raw: number, outcome: 'hung-up' }),
      );
    await web.store.recordCall(
      callRow('blocked', {
        caller_number: '+15550100002',
        caller_raw: '+15550100002',
        caller_name: XSS_SCRIPT,
        check_name: 'blocklist',
        destination: 'blocked',
      }),
    );

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/.test(m.text())) problems.push(`CSP: ${m.text()}`);
    });
  });

  after(async () => {
    await browser?.close();
    await web?.close();
  });

  it('logs in with the admin password and lands on the dashboard', async () => {
    await page.goto(`${web.base}/`);
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong user name or password' }).waitFor();
    await shot('login');
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.getByRole('img', { name: /Calls per day/ }).waitFor();
    const blocked = page.getByRole('table', { name: 'Numbers the block list turned away' });
    await blocked.getByRole('cell', { name: XSS_SCRIPT, exact: true }).first().waitFor();
    assert.equal(await blocked.getByRole('cell', { name: XSS_SCRIPT, exact: true }).count(), 1);
    await assertNoScriptRan();
    await shot('dashboard');
  });

  it('shows what a typed phrase would match in the directory, with its score', async () => {
    await open('/directory', 'Directory');
    await page.getByLabel('Phrase a caller might say').fill('Alice Johnson');
    await page.getByRole('button', { name: 'Try it' }).click();
    const row = page.getByRole('table', { name: 'Candidates' }).getByRole('row').nth(1);
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    assert.equal(cells[0], 'Alice Johnson');
    assert.ok(Number(cells[2]) >= 0.84, `score ${cells[2]}`);
    assert.match((await page.locator('.outcome').textContent()) ?? '', /^Match.*Alice Johnson/);
    await shot('directory');
  });

  it("changes a caller's destination inline and stores it", async () => {
    await open('/callers', 'Callers');
    await page.getByLabel('Destination for +15550100001').selectOption('voicemail');
    await page.getByRole('status').filter({ hasText: '+15550100001: destination voicemail saved' }).waitFor();
    assert.equal((await api(web, 'GET', `/api/callers/${callerId}`)).body.destination, 'voicemail');
    for (const name of [XSS_IMG, XSS_SCRIPT])
      assert.equal(await page.getByRole('cell', { name, exact: true }).count(), 1, name);
    await assertNoScriptRan();
  });

  it('imports a CSV and lists the rejected rows by line; shows a bad name rule', async () => {
    await page.getByLabel('Import callers (CSV with a number column)').setInputFiles({
      name: 'callers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('number,name,destination\n+15550177001,Ann,desk\n+15550177002,Bo,nowhere\n'),
    });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('callers.csv: 1 imported, 1 rejected.').waitFor();
    const rejected = page.getByRole('table', { name: 'Rejected rows' }).getByRole('row').nth(1);
    assert.match((await rejected.textContent()) ?? '', /^3.*nowhere/);

    await page.getByLabel('Name rule kind').selectOption('regex');
    await page.getByLabel('Caller name or pattern').fill('(?<=x)y');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('alert').filter({ hasText: 'no backreferences or lookaround' }).waitFor();
    assert.equal(await page.getByLabel('Caller name or pattern').getAttribute('aria-invalid'), 'true');

    // A prefix rule that lets callers in to voicemail, and an expected caller's pass.
    await page.getByLabel('Number rule kind').selectOption('prefix');
    await page.getByLabel('Prefix, range or digits').fill('+1800555');
    await page.getByLabel('Number rule', { exact: true }).selectOption('allow');
    await page.getByLabel('Number rule destination').selectOption('voicemail');
    await page.getByRole('button', { name: 'Add number rule' }).click();
    await page
      .getByRole('table', { name: 'Number rules' })
      .getByRole('cell', { name: '+1800555', exact: true })
      .waitFor();
    const rules = (await api(web, 'GET', '/api/number-rules')).body.items;
    assert.deepEqual(
      rules.map((r: Record<string, unknown>) => [r.kind, r.pattern, r.list, r.destination]),
      [['prefix', '+1800555', 'allow', 'voicemail']],
    );
    await page.getByLabel('Words the caller will say').fill('Acme Bank, pharmacy');
    await page.getByLabel('For hours').fill('2');
    await page.getByRole('button', { name: 'Add pass' }).click();
    await page
      .getByRole('table', { name: 'Expected callers' })
      .getByRole('cell', { name: 'Acme Bank, pharmacy', exact: true })
      .waitFor();
    const [pass] = (await api(web, 'GET', '/api/expected-callers')).body.items;
    assert.deepEqual(pass.words, ['Acme Bank', 'pharmacy']);
    const hoursLeft = (Date.parse(pass.expiresAt) - Date.now()) / 3_600_000;
    assert.ok(hoursLeft > 1.9 && hoursLeft <= 2, `the pass ends in ${hoursLeft} h`);
    await page.getByRole('button', { name: 'Remove pass Acme Bank, pharmacy' }).click();
    await page.getByText('Expected callers: None.').waitFor();
    await shot('callers');
  });

  it('plays the recorded answers of a call in the page', async () => {
    await open('/calls', 'Screening log');
    // The rows arrive after the page: wait for them, then check hostile names show as text.
    for (const text of [XSS_IMG, XSS_SCRIPT])
      await page.getByRole('table', { name: 'Calls' }).getByText(text, { exact: true }).first().waitFor();
    await page.getByRole('button', { name: /Details of the call from \+15550100003/ }).click();
    // The answer to "who would you like to speak to?" (1 s here), and to the second question (2 s).
    for (const [caption, seconds] of [
      ['Recorded answer', 1],
      ['Recorded answer to the second question', 2],
    ] as const) {
      const audio = page
        .locator('figure')
        .filter({ has: page.getByText(caption, { exact: true }) })
        .locator('audio');
      await audio.waitFor();
      await audio.evaluate(
        (a: HTMLAudioElement) =>
          a.readyState >= 1 || new Promise((r) => a.addEventListener('loadedmetadata', r, { once: true })),
      );
      const loaded = await audio.evaluate(async (a: HTMLAudioElement) => {
        await a.play();
        await new Promise((r) => setTimeout(r, 300));
        a.pause();
        return { duration: a.duration, error: a.error?.code ?? null, time: a.currentTime };
      });
      assert.equal(loaded.error, null, caption);
      assert.ok(Math.abs(loaded.duration - seconds) < 0.05, `${caption}: duration ${loaded.duration}`);
      assert.ok(loaded.time > 0, `${caption}: played to ${loaded.time}`);
    }
    const transcript = page.locator('#call-recorded p').filter({ hasText: 'Transcript:' });
    assert.equal(await transcript.textContent(), `Transcript: ${XSS_SCRIPT}`);
    await assertNoScriptRan();
    await shot('calls');
  });

  it('marks every filtered call as spam in one click', async () => {
    await page.getByLabel('Outcome').selectOption('hung-up');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByText('Calls 1–2 of 2').waitFor();
    await page.getByRole('button', { name: 'Mark all 2 filtered calls as spam' }).click();
    await page.getByText('2 numbers added to the block list.').first().waitFor();
    const blocked = (await api(web, 'GET', '/api/callers?list=block&limit=500')).body.items.map(
      (c: { number: string }) => c.number,
    );
    assert.ok(blocked.includes('+15550188001') && blocked.includes('+15550188002'), String(blocked));
    assert.ok(!blocked.includes('+15550100003'), 'calls outside the filter are not marked');
  });

  it('starts a bypass with a countdown that runs, as the API reports', async () => {
    await open('/settings', 'Settings');
    await page.getByLabel('Let calls through unscreened for (minutes)').fill('5');
    await page.getByRole('button', { name: 'Start bypass' }).click();
    const timer = page.getByRole('timer');
    await timer.waitFor();
    const first = seconds((await timer.textContent()) ?? '');
    assert.ok(first > 290 && first <= 300, `countdown at ${first}s`);
    await page.waitForFunction((s) => {
      const t = document.querySelector('[role=timer]')?.textContent ?? '';
      return t.split(':').reduce((a, p) => a * 60 + Number(p), 0) < s;
    }, first);
    const state = (await api(web, 'GET', '/api/screening')).body;
    assert.equal(state.bypassed, true);
    assert.ok(Date.parse(state.bypassUntil) > Date.now() + 280_000);
    await shot('settings');
    await page.getByRole('button', { name: 'End bypass' }).click();
    await page.getByRole('button', { name: 'Start bypass' }).waitFor();
    assert.equal((await api(web, 'GET', '/api/screening')).body.bypassed, false);
  });

  it('switches the house between home and away from the settings page', async () => {
    await open('/directory', 'Directory'); // the settings page may be open already: render it anew
    await open('/settings', 'Settings');
    await page.getByText('The house is home: callers who pass go to their own destination.').waitFor();
    await page.getByRole('button', { name: 'Switch to away' }).click();
    await page.getByText(/^The house is away/).waitFor();
    assert.equal((await api(web, 'GET', '/api/house')).body.mode, 'away');
    await page.getByRole('button', { name: 'Switch to home' }).click();
    await page.getByText(/^The house is home/).waitFor();
    assert.equal((await api(web, 'GET', '/api/house')).body.mode, 'home');
  });

  it("revokes an extension's outbound grant from the settings page", async () => {
    await new OutboundGrantStore(web.store).grant('1001', new Date(Date.now() + 600_000).toISOString());
    await open('/directory', 'Directory'); // the settings page is open already: render it anew
    await open('/settings', 'Settings');
    await page.getByRole('button', { name: 'Revoke the grant of extension 1001' }).click();
    await page.getByText('Outbound grants: None.').waitFor();
    assert.deepEqual((await api(web, 'GET', '/api/outbound-grants')).body.items, []);
  });

  it('shows PIN sets and the reports page', async () => {
    await open('/pin-sets', 'PIN sets');
    await page.getByLabel('Name', { exact: true }).fill('staff');
    await page.getByRole('button', { name: 'Create set' }).click();
    await page.getByRole('button', { name: 'Open staff' }).click();
    await page.getByLabel('Label', { exact: true }).fill('emp-7');
    await page.getByLabel('PIN', { exact: true }).fill('4711');
    await page.getByRole('button', { name: 'Save PIN' }).click();
    await page.getByRole('cell', { name: 'emp-7', exact: true }).waitFor();
    assert.equal((await api(web, 'GET', '/api/pin-sets/staff/pins')).body.items[0].label, 'emp-7');
    await shot('pin-sets');
    await open('/reports', 'Reports');
    assert.match(
      (await page.getByRole('link', { name: 'Download calls as CSV' }).getAttribute('href')) ?? '',
      /^\/api\/calls\/export\?from=.+&to=.+/,
    );
    await shot('reports');
  });

  it('ran no script from data, opened no dialog, broke no content policy', async () => {
    await assertNoScriptRan();
    assert.deepEqual(problems, []);
  });
});

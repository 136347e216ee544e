import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OutboundGrantStore } from '../../src/store/outbound-grant-store.js';
import type { SimulatedCaller } from '../../src/telephony/simulated-caller.js';
import { ARTIFACTS, startCaller, startTestDoorman, testConfig } from '../support/doorman.js';

const RIGHT = '482913';
const STAFF_PIN = '8642';
const OWN_PIN = '4321';
const MAILBOX_PIN = '5150';

/** The enter-pin prompt lasts 3.3 s; callers who wait for it start typing after this. */
const AFTER_PROMPT = 3.6;

describe('PIN routes and outbound PIN protect on the Asterisk sandbox', () => {
  const voicemailConf = join(mkdtempSync(join(tmpdir(), 'doorman-vm-')), 'voicemail.conf');
  writeFileSync(voicemailConf, `[general]\nformat=wav\n[default]\n1003 => -${MAILBOX_PIN},Carol\n`);
  const pinRoute = (extra: Record<string, unknown>) => ({
    unknown: 'voicemail',
    blocked: 'blocked',
    checks: ['blocklist', 'pin'],
    pin: {
      set: 'partners',
      destination: 'desk',
      attempts: 2,
      firstDigitMs: 1_500,
      interDigitMs: 2_000,
      ...extra,
    },
  });
  const config = testConfig({
    routes: {
      default: { unknown: 'fallback' },
      // `#`-terminated, and allowlisting the caller.
      '15550006000': pinRoute({ allowlist: true }),
      // Fixed length: six digits, no `#`.
      '15550007000': pinRoute({ length: 6 }),
    },
    pins: { lockoutFailures: 3, lockoutWindowMinutes: 10 },
    outboundPin: {
      // 1004 is never granted: the comma test calls from it while the others are granted.
      extensions: { '1001': { pin: OWN_PIN }, '1002': {}, '1003': {}, '1004': { pin: OWN_PIN } },
      pinSet: 'staff',
      voicemailConf,
      grantSeconds: 4,
      attempts: 1,
    },
  });
  let doorman: Awaited<ReturnType<typeof startTestDoorman>>;
  let caller: SimulatedCaller;

  before(async () => {
    doorman = await startTestDoorman('pin', config);
    caller = await startCaller('pin', config);
    await doorman.app.pins.createSet('partners');
    await doorman.app.pins.putPin('partners', 'ACME-0042', RIGHT);
    await doorman.app.pins.createSet('staff');
    await doorman.app.pins.putPin('staff', '1002', STAFF_PIN);
  });
  after(async () => {
    await caller?.close();
    await doorman?.stop();
  });

  const call = (to: string, from: string, dtmf: string, dtmfDelaySeconds = AFTER_PROMPT) =>
    caller.call({
      from,
      to,
      delaySeconds: 0,
      dtmf,
      dtmfDelaySeconds,
      waitSeconds: 25,
      timeoutMs: 45_000,
    });

  // Each test calls from numbers of its own (lockouts are per number): they run side by side.
  describe('inbound PIN routes', { concurrency: true }, () => {
    it('routes a caller with the right PIN (typed over the prompt, ended by #), labelled in the CDR account code', async () => {
      const r = await call('15550006000', '+15551110001', `${RIGHT}#`, 1);
      assert.equal(r.destination, 'desk', JSON.stringify(r.timeline));
      assert.equal(r.accountCode, 'ACME-0042', 'CHANNEL(accountcode) as the dialplan saw it');
      assert.equal(r.told?.label, 'ACME-0042', 'DOORMAN_LABEL');
      assert.equal(r.told?.check, 'pin', 'DOORMAN_CHECK');
      const report = await doorman.report(r.channelId);
      assert.equal(report.accountCode, 'ACME-0042');
      assert.equal(report.verdict?.check, 'pin');
      // Typed over the prompt: the caller did not wait it out. Budget: 1 s before typing, seven keys
      // at 350 ms each and the routing, about 3.5 s; 6 s leaves room for a busy machine.
      assert.ok(r.ms < 6_000, `routed after ${r.ms} ms`);
      await doorman.writes.flush();
      const [row] = await doorman.store.db
        .selectFrom('calls')
        .selectAll()
        .where('channel_id', '=', r.channelId)
        .execute();
      assert.equal(row?.account_code, 'ACME-0042');
      assert.ok(!JSON.stringify(row).includes(RIGHT), 'the audit row has no PIN');
      const listed = await doorman.store.lookup('+15551110001');
      assert.equal(listed.allow?.source, 'pin');
      assert.equal(listed.allow?.destination, 'desk');
    });

    it('takes a fixed-length PIN without #, and a #-less PIN once the caller pauses', async () => {
      const fixed = await call('15550007000', '+15551110002', RIGHT);
      assert.equal(fixed.destination, 'desk');
      assert.equal(fixed.accountCode, 'ACME-0042');
      const paused = await call('15550006000', '+15551110003', RIGHT);
      assert.equal(paused.destination, 'desk', 'inter-digit timeout submits what was typed');
    });

    it('sends a caller who types nothing, twice, to the unknown destination', async () => {
      const r = await call('15550006000', '+15551110004', '');
      assert.equal(r.destination, 'voicemail');
      assert.equal(r.accountCode, '', 'no account code without a PIN');
      assert.equal((await doorman.report(r.channelId)).verdict?.reason, 'no PIN entered');
    });

    it('blocks wrong PINs, then locks the number out across calls, even for the right PIN', async () => {
      const from = '+15551110005';
      // Two wrong entries (the second typed over the wrong-PIN prompt): blocked, 2 failures.
      const first = await call('15550006000', from, '111111#wwww222222#');
      assert.equal(first.destination, 'blocked');
      assert.match((await doorman.report(first.channelId)).verdict?.reason ?? '', /2 wrong PIN/);
      // A third wrong one reaches the lockout (3 within 10 minutes).
      const second = await call('15550006000', from, '333333#');
      assert.equal(second.destination, 'blocked');
      assert.match((await doorman.report(second.channelId)).verdict?.reason ?? '', /locked out/);
      // Locked: not even asked, so the right PIN does not help.
      const third = await call('15550006000', from, `${RIGHT}#`);
      assert.equal(third.destination, 'blocked');
      const report = await doorman.report(third.channelId);
      assert.match(report.verdict?.reason ?? '', /^locked out after wrong PINs until/);
      assert.equal(report.accountCode, null);
      // Another number is not affected.
      assert.equal((await call('15550006000', '+15551110006', `${RIGHT}#`, 1)).destination, 'desk');
    });
  });

  // Each test dials from extensions of its own: they run side by side (keys only, no speech).
  describe('outbound', { concurrency: true }, () => {
    const dialOut = (ext: string) => caller.dialFromPhone('15557654321', 'outbound-protected', ext);
    const grant = (ext: string, pin: string) =>
      caller.dialFromPhone('7777', 'doorman-features', ext, {
        dtmf: `${pin}#`,
        dtmfDelaySeconds: AFTER_PROMPT,
        waitSeconds: 15,
      });

    it('refuses a protected extension until it dials 7777 and its PIN, and again once the grant expires', async () => {
      const before = await dialOut('1001');
      assert.notEqual(before.outbound, 'granted');
      assert.ok(before.hungUp);
      assert.ok(
        !before.timeline.some((t) => t.what.includes('Dial')),
        `no Dial before the grant: ${JSON.stringify(before.timeline)}`,
      );
      await grant('1001', OWN_PIN);
      // Kept in the database: a restart, or another PBX on it, sees the grant.
      const [kept] = await new OutboundGrantStore(doorman.store).active();
      assert.equal(kept?.extension, '1001');
      const granted = await dialOut('1001');
      assert.equal(granted.outbound, 'granted');
      assert.equal(granted.outboundAccountCode, 'outbound-1001', 'the CDR names the extension');
      assert.ok(
        granted.timeline.some((t) => t.what.endsWith(': Dial')),
        'the call reached Dial',
      );
      await new Promise((r) => setTimeout(r, 4_500));
      const expired = await dialOut('1001');
      assert.notEqual(expired.outbound, 'granted', 'the grant has expired');
    });

    it('takes the PIN from a PIN set; a wrong PIN grants nothing, nor a revoked grant', async () => {
      await grant('1002', '0000');
      assert.notEqual((await dialOut('1002')).outbound, 'granted');
      await grant('1002', STAFF_PIN);
      assert.equal((await dialOut('1002')).outbound, 'granted');
      // Revoked (doorman grants revoke, the API): the next outside call needs the PIN again.
      assert.equal(await new OutboundGrantStore(doorman.store).revoke('1002'), true);
      assert.notEqual((await dialOut('1002')).outbound, 'granted');
    });

    it('takes the PIN from voicemail.conf', async () => {
      await grant('1003', MAILBOX_PIN);
      assert.equal((await dialOut('1003')).outbound, 'granted');
    });

    it('takes the calling phone from its caller ID, not from a comma in the number dialled', async () => {
      // Stasis(doorman,outbound,${EXTEN}) splits at commas after ${EXTEN} is put in: the number
      // '15557654321,1009' would pass the unprotected 1009 as a third argument.
      const sneaky = await caller.dialFromPhone('15557654321,1009', 'outbound-protected', '1004');
      const apps = sneaky.timeline
        .map((t) => t.what)
        .filter((w) => w.startsWith('dialplan outbound-protected'));
      // Refused by Doorman (its prompt, then hung up), never sent on to the (dial) label's Goto.
      assert.ok(sneaky.ranStasis, JSON.stringify(sneaky.timeline));
      assert.ok(sneaky.hungUp);
      assert.ok(!apps.some((w) => w.endsWith(': Goto')), JSON.stringify(apps));
    });

    it('lets an unprotected extension straight through', async () => {
      assert.equal((await dialOut('1009')).outbound, 'allowed');
    });
  });

  // Alone, after the outbound calls above (which run at the same time): a Doorman restarting
  // while they dial would send them to the dialplan fallback.
  describe('outbound, across a restart', () => {
    it('keeps a grant across a restart of Doorman (the database holds it)', async () => {
      const grants = () => new OutboundGrantStore(doorman.store);
      await grants().grant('1003', new Date(Date.now() + 120_000).toISOString());
      await doorman.stop();
      doorman = await startTestDoorman('pin-restarted', config);
      try {
        const granted = await caller.dialFromPhone('15557654321', 'outbound-protected', '1003');
        assert.equal(granted.outbound, 'granted');
      } finally {
        await grants().revoke('1003');
      }
    });
  });

  it('never writes a PIN to the log', async () => {
    await doorman.writes.flush();
    const log = readFileSync(join(ARTIFACTS, 'pin.log'), 'utf8');
    assert.ok(log.includes('PIN entered'), 'the log does record the entries');
    // As a number of its own: a 4-digit PIN turns up by chance inside timestamps and ids
    // (1764003843215), or as a JSON number (a duration, "ms":4321); digits typed are strings.
    for (const pin of [RIGHT, '111111', '222222', '333333', OWN_PIN, STAFF_PIN, MAILBOX_PIN]) {
      const leak = log.match(new RegExp(`.{0,60}(?<![\\d:.])${pin}(?!\\d).{0,20}`));
      assert.equal(leak, null, `PIN ${pin} is in the log: ${leak?.[0]}`);
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import type { CallReport } from '../../src/calls/call-report.js';
import { ExpectedCallerStore } from '../../src/store/expected-caller-store.js';
import { setHouseMode } from '../../src/store/house-mode.js';
import { NumberRuleStore } from '../../src/store/number-rule-store.js';
import { setBypassFor } from '../../src/store/screening-state.js';
import { CONFIRMS_WITH_KEY, type SimulatedCaller } from '../../src/telephony/simulated-caller.js';
import {
  listCaller,
  numberedCalls,
  startCaller,
  startTestDoorman,
  testConfig,
  waitUntil,
} from '../support/doorman.js';
import { mosquitto } from '../support/mqtt-broker.js';
import { speechWav } from '../support/speech.js';

/**
 * The checks before the question (allow and block lists, caller-ID name rules, withheld
 * numbers, the screening switch and bypass) on live calls through the Asterisk sandbox. The
 * speech challenge's own calls are in call.test.ts.
 */
describe('the lists and the screening switch on live calls', () => {
  const config = testConfig({
    'directory.file': 'test/fixtures/directory.yaml',
    'outbound.trunks': ['PJSIP/trunk'],
    'phones.extensions': { '1001': 'desk', '1002': 'voicemail' },
    routes: {
      default: { unknown: 'fallback' },
      '15550002000': { unknown: 'voicemail', retryNomatch: false },
      '15550003000': { unknown: 'fallback', blockAnonymous: true },
      '15550004000': { unknown: 'fallback', blocked: 'sit' },
      '15550005000': { unknown: 'voicemail', checks: ['blocklist'] },
      '15550006000': { unknown: 'desk', checks: ['allowlist', 'flood'], flooded: 'voicemail' },
    },
    floods: { perNumberCalls: 2, perNumberMinutes: 10, allCalls: 4, allSeconds: 3_600 },
    'house.away.destination': 'voicemail',
  });
  let doorman: Awaited<ReturnType<typeof startTestDoorman>>;
  let caller: SimulatedCaller;
  const alice = speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please.");

  let broker: Awaited<ReturnType<typeof mosquitto>>;
  let watcher: MqttClient;
  before(async () => {
    // Screening is switched over MQTT too, on a real Mosquitto (the machine's, or one of our own).
    broker = await mosquitto();
    config.mqtt.url = `mqtt://127.0.0.1:${broker.port}`;
    config.mqtt.topic = `doorman-lists-${process.pid}`;
    config.mqtt.discoveryPrefix = '';
    watcher = await mqtt.connectAsync(config.mqtt.url);
    doorman = await startTestDoorman('lists', config);
    caller = await startCaller('lists', config);
  });
  after(async () => {
    await caller?.close();
    await doorman?.stop();
    for (const t of ['status', 'state/screening', 'state/bypass_until', 'state/active_calls'])
      await watcher?.publishAsync(`${config.mqtt.topic}/${t}`, '', { retain: true });
    await watcher?.endAsync();
    await broker?.stop();
  });

  const call = numberedCalls(() => caller, '555124', 4_000);

  it('allowlists numbers dialled out through the trunk, without any dialplan change', async () => {
    const number = '+15557654321';
    await caller.dialFromPhone('15557654321', 'outbound-sim');
    await waitUntil(
      'the number is allowlisted',
      async () => (await doorman.store.lookup(number)).allow !== undefined,
    );
    const entry = (await doorman.store.lookup(number)).allow;
    assert.equal(entry?.source, 'outbound');
    assert.equal(entry?.added_by, 'outbound via PJSIP/trunk');

    const back = await call(undefined, { from: number });
    assert.equal(
      (await doorman.report(back.channelId)).verdict?.check,
      'allowlist',
      'the callback skips the question',
    );
  });

  it('sends two allowlisted callers to their own two destinations', async () => {
    await doorman.store.upsertCaller({
      number: '+15557770011',
      rawNumber: '5557770011',
      list: 'allow',
      source: 'manual',
      destination: 'voicemail',
    });
    await doorman.store.upsertCaller({
      number: '+15557770012',
      rawNumber: '5557770012',
      list: 'allow',
      source: 'api',
      destination: 'desk',
    });
    const a = await call(undefined, { from: '+15557770011' });
    const b = await call(undefined, { from: '+15557770012' });
    assert.equal(a.destination, 'voicemail');
    assert.equal(b.destination, 'desk');
    const row = await doorman.logRow(a.channelId);
    assert.equal(row?.check_name, 'allowlist');
    assert.equal(row?.destination, 'voicemail');
  });

  it('runs only the checks a route names', async () => {
    const result = await call(alice, { to: '15550005000' });
    assert.equal(result.destination, 'voicemail', 'no challenge on this route: straight to unknown');
    const row = await doorman.logRow(result.channelId);
    assert.deepEqual(
      JSON.parse(row?.checks ?? '[]').map((c: { check: string }) => c.check),
      ['blocklist'],
    );
    assert.equal(row?.check_name, 'default');
  });

  it('plays the SIT tone and hangs up where the route blocks to "sit"', async () => {
    const from = '+15557770013';
    await doorman.store.upsertCaller({ number: from, rawNumber: from, list: 'block', source: 'manual' });
    const result = await call(alice, { from, to: '15550004000' });
    assert.equal(result.destination, null);
    assert.equal(result.hungUp, true);
    const report = await doorman.report(result.channelId);
    assert.equal(report.verdict?.destination, 'sit');
    assert.ok(result.ms >= 1_000, `the tone (1.4 s) was played before hanging up (${result.ms} ms)`);
  });

  it('sends a blocked number to the blocked destination and logs the call', async () => {
    const from = '+15557770002';
    await doorman.store.upsertCaller({ number: from, rawNumber: from, list: 'block', source: 'manual' });
    const result = await call(alice, { from });
    assert.equal(result.destination, 'blocked');
    assert.equal(result.told?.check, 'blocklist');
    const row = await doorman.logRow(result.channelId);
    assert.equal(row?.check_name, 'blocklist');
    assert.equal(row?.destination, 'blocked');
    assert.equal(row?.caller_number, from);
    assert.deepEqual(
      JSON.parse(row?.checks ?? '[]').map((c: { check: string; result: string }) => `${c.check}:${c.result}`),
      ['bypass:next', 'blocklist:route'],
    );
  });

  it('blocks by caller-ID name: exact after folding, and regex', async () => {
    await doorman.store.addNameRule('regex', '^V[0-9]+$');
    await doorman.store.addNameRule('exact', 'Police Officers PAC');
    doorman.app.nameRules.invalidate();
    for (const name of ['V12345', "POLICE OFFICERS' P.A.C."]) {
      const result = await call(alice, { name });
      assert.equal(result.destination, 'blocked', name);
      const report = await doorman.report(result.channelId);
      assert.equal(report.verdict?.check, 'blocklist');
      assert.match(report.verdict?.reason ?? '', /caller name matches rule/);
      assert.equal((await doorman.logRow(result.channelId))?.destination, 'blocked');
    }
    const other = await call(undefined, {
      name: 'V12345 Plumbing',
      to: '15550002000',
      delaySeconds: 0,
      waitSeconds: 30,
    });
    assert.notEqual(other.destination, 'blocked');
  });

  it('blocks and allows by prefix, range, neighbour and name rules, each to its own destination', async () => {
    const rules = new NumberRuleStore(doorman.store);
    const added = [
      await rules.add({ list: 'block', kind: 'prefix', pattern: '+1555888', destination: 'voicemail' }),
      await rules.add({
        list: 'allow',
        kind: 'range',
        pattern: '+1555999000-+1555999099',
        destination: 'desk',
      }),
      await rules.add({ list: 'block', kind: 'neighbour', pattern: '8', destination: null }),
    ];
    doorman.app.numberRules.invalidate();
    const names: Array<{ id: string }> = [];
    try {
      const prefixed = await call(alice, { from: '+15558880001' });
      assert.equal(prefixed.destination, 'voicemail');
      assert.equal(prefixed.told?.check, 'blocklist');
      const ranged = await call(alice, { from: '+15559990042' });
      assert.equal(ranged.destination, 'desk');
      assert.equal(ranged.told?.check, 'allowlist');
      assert.match((await doorman.report(ranged.channelId)).verdict?.reason ?? '', /allow rule range/);
      // The first 8 digits of the number called (15550005000), from another number.
      const neighbour = await call(undefined, { from: '+15550005999', to: '15550005000', delaySeconds: 0 });
      assert.equal(neighbour.destination, 'blocked');
      assert.match(
        (await doorman.report(neighbour.channelId)).verdict?.reason ?? '',
        /block rule neighbour 8/,
      );
      // Outside every rule: screened as before.
      const outside = await call(undefined, { from: '+15550015999', to: '15550005000', delaySeconds: 0 });
      assert.equal(outside.destination, 'voicemail');
      // Name rules with their own destinations: one blocks to voicemail, one lets in to desk.
      names.push(
        await doorman.store.addNameRule('exact', 'Helping Hands Charity', { destination: 'voicemail' }),
        await doorman.store.addNameRule('exact', 'City Pharmacy', { list: 'allow', destination: 'desk' }),
      );
      doorman.app.nameRules.invalidate();
      const charity = await call(undefined, {
        name: 'HELPING HANDS CHARITY',
        to: '15550005000',
        delaySeconds: 0,
      });
      assert.equal(charity.destination, 'voicemail');
      assert.equal(charity.told?.check, 'blocklist');
      const pharmacy = await call(alice, { name: 'City Pharmacy' });
      assert.equal(pharmacy.destination, 'desk');
      assert.equal(pharmacy.told?.check, 'allowlist');
      // An expected caller by number: let in from the prefix while the pass lives.
      const expected = new ExpectedCallerStore(doorman.store);
      const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
      const pass = await expected.add({
        words: [],
        numberPrefix: '+1555444',
        destination: 'voicemail',
        expiresAt,
      });
      doorman.app.numberRules.invalidate();
      const callback = await call(alice, { from: '+15554440123' });
      assert.equal(callback.destination, 'voicemail');
      assert.equal(callback.told?.check, 'allowlist');
      await expected.remove(pass.id);
    } finally {
      for (const r of added) await rules.remove(r.id);
      for (const r of names) await doorman.store.removeNameRule(r.id);
      doorman.app.numberRules.invalidate();
      doorman.app.nameRules.invalidate();
    }
  });

  it('blocks withheld numbers only where the route says so', async () => {
    const blocked = await call(alice, { from: 'anonymous', to: '15550003000' });
    assert.equal(blocked.destination, 'blocked');
    assert.match((await doorman.report(blocked.channelId)).verdict?.reason ?? '', /withheld/);
    assert.equal((await doorman.logRow(blocked.channelId))?.caller_raw, 'anonymous');
    // Asked "Did you mean Alice Johnson?" (an answer left unchecked on a loaded machine), the
    // caller presses 1, as the live tests' callers do.
    const screened = await call(alice, { from: 'anonymous', ...CONFIRMS_WITH_KEY });
    assert.equal(screened.destination, 'desk', 'elsewhere a withheld number is screened like any other');
    assert.equal(
      (await doorman.store.listCallers({ list: 'allow' })).filter((r) => r.number === 'anonymous').length,
      0,
    );
  });

  it('switches screening from a phone with *28 and lights the BLF while it is off', async () => {
    const lamp = async () => (await caller.connection.getDeviceState('doorman-bypass')).state;
    await waitUntil('the lamp is published', async () => (await lamp()) === 'NOT_INUSE');
    await caller.dialFromPhone('*28', 'doorman-features');
    assert.equal(await doorman.store.getSetting('screening'), 'off');
    assert.equal(await lamp(), 'INUSE');
    const unscreened = await call(alice);
    assert.equal((await doorman.report(unscreened.channelId)).verdict?.check, 'bypass');

    await caller.dialFromPhone('*28', 'doorman-features');
    assert.equal(await doorman.store.getSetting('screening'), 'on');
    assert.equal(await lamp(), 'NOT_INUSE');
  });

  it('lets every caller through unscreened while screening is off (switched over MQTT)', async () => {
    await waitUntil('Doorman is on the broker', () => doorman.mqtt?.connected === true);
    await watcher.publishAsync(`${config.mqtt.topic}/set/screening`, 'OFF');
    await waitUntil('screening is off', async () => (await doorman.store.getSetting('screening')) === 'off');
    try {
      const result = await call(undefined);
      assert.equal(result.destination, 'fallback');
      // Budget: the question alone lasts 2.6 s; under 2 s means the call was never answered and asked.
      assert.ok(result.ms < 2_000, `routed after ${result.ms} ms`);
      assert.equal((await doorman.report(result.channelId)).verdict?.check, 'bypass');
      assert.equal((await doorman.logRow(result.channelId))?.check_name, 'bypass');
    } finally {
      await watcher.publishAsync(`${config.mqtt.topic}/set/screening`, 'ON');
      await waitUntil('screening is on', async () => (await doorman.store.getSetting('screening')) === 'on');
    }
  });

  it('sends a number calling again and again, then a burst, to the flooded destination', async () => {
    const floodCall = (from: string) =>
      call(undefined, { from, to: '15550006000', delaySeconds: 0, waitSeconds: 1 });
    const again = '+15557772001';
    const [first, second, third] = [await floodCall(again), await floodCall(again), await floodCall(again)];
    assert.deepEqual(
      [first.destination, second.destination, third.destination],
      ['desk', 'desk', 'voicemail'],
    );
    const report = await doorman.report(third.channelId);
    assert.equal(report.verdict?.check, 'flood');
    assert.match(report.verdict?.reason ?? '', /called 3 times within 10 min \(limit 2\)/);
    // Four calls an hour in all: a fourth number still gets in, a fifth call in all does not.
    assert.equal((await floodCall('+15557772002')).destination, 'desk');
    const fifth = await floodCall('+15557772003');
    assert.equal(fifth.destination, 'voicemail');
    assert.match(
      (await doorman.report(fifth.channelId)).verdict?.reason ?? '',
      /5 calls within 3600 s \(limit 4\)/,
    );
  });

  it('holds a burst of calls back as a flood while other callers are screened as usual', async () => {
    // The limits are spent by the test before: every call on the flood route is over them now.
    const listed = ['+15557772101', '+15557772102'];
    for (const number of listed)
      await doorman.store.upsertCaller({
        number,
        rawNumber: number,
        list: 'allow',
        source: 'manual',
        destination: 'voicemail',
      });
    const burst = Array.from({ length: 12 }, () =>
      call(undefined, { from: '+15557772100', to: '15550006000', delaySeconds: 0, waitSeconds: 1 }),
    );
    const others = listed.map((from) => call(undefined, { from, delaySeconds: 0, waitSeconds: 1 }));
    const flood = await Promise.all(burst);
    const screened = await Promise.all(others);
    assert.deepEqual(
      flood.map((c) => c.destination),
      Array(12).fill('voicemail'),
      'every call of the burst to the flooded destination, none to a person',
    );
    for (const c of flood) assert.equal((await doorman.report(c.channelId)).verdict?.check, 'flood');
    const reports = await Promise.all(screened.map((c) => doorman.report(c.channelId)));
    assert.deepEqual(
      screened.map((c) => c.destination),
      ['voicemail', 'voicemail'],
    );
    for (const r of reports) {
      assert.equal(r.verdict?.check, 'allowlist');
      assert.ok(
        r.checks.every((c) => c.result === 'route' || c.result === 'next'),
        `no check of theirs ran out of time: ${JSON.stringify(r.checks)}`,
      );
    }
    const ms = (rs: CallReport[]) => rs.map((r) => Math.round(r.timings.totalMs)).join(', ');
    console.log(
      `# flood: the burst's calls decided in ${ms(await Promise.all(flood.map((c) => doorman.report(c.channelId))))} ms; the other callers' in ${ms(reports)} ms`,
    );
  });

  it('sends callers who pass to voicemail while the house is away, and the blocked where they always go', async () => {
    const [friend, pest] = ['+15557772201', '+15557772202'];
    await listCaller(doorman.store, friend, 'allow', 'desk');
    await listCaller(doorman.store, pest, 'block');
    const quick = (from: string) => call(undefined, { from, delaySeconds: 0, waitSeconds: 1 });
    await setHouseMode(doorman.store, 'away');
    doorman.app.house.invalidate();
    try {
      const [toFriend, toPest] = [await quick(friend), await quick(pest)];
      assert.equal(toFriend.destination, 'voicemail');
      assert.match((await doorman.report(toFriend.channelId)).verdict?.reason ?? '', /; away: to voicemail$/);
      assert.equal(toPest.destination, 'blocked');
    } finally {
      await setHouseMode(doorman.store, 'home');
      doorman.app.house.invalidate();
    }
    assert.equal((await quick(friend)).destination, 'desk', 'home again: to their own destination');
  });

  it('honours a timed bypass until it expires', async () => {
    await setBypassFor(doorman.store, 5);
    doorman.app.bypass.invalidate();
    const during = await call(undefined);
    assert.equal(during.destination, 'fallback');
    assert.match((await doorman.report(during.channelId)).verdict?.reason ?? '', /bypassed until/);

    await doorman.store.setSetting('bypass_until', new Date(Date.now() - 1_000).toISOString());
    doorman.app.bypass.invalidate();
    // A CI run beside other work heard this answer unchecked and asked to confirm it (as above).
    const after = await call(alice, CONFIRMS_WITH_KEY);
    assert.equal(after.destination, 'desk');
    assert.equal(
      (await doorman.report(after.channelId)).verdict?.check,
      'challenge',
      'screened again once expired',
    );
  });

  describe('from the phone that had the call (feature codes)', () => {
    /** A call routed to `desk`, from a number allowlisted there; its log row written. */
    const callToDesk = async (from: string) => {
      await listCaller(doorman.store, from, 'allow', 'desk');
      const r = await call(undefined, { from, delaySeconds: 0, waitSeconds: 1 });
      assert.equal(r.destination, 'desk');
      await doorman.logRow(r.channelId);
      return r;
    };
    const entries = async (number: string) => {
      await doorman.writes.flush();
      return doorman.store.lookup(number);
    };

    it('blocks the last caller to this phone with *31: listed with the extension, blocked next time', async () => {
      const from = '+15557771001';
      await callToDesk(from);
      const code = await caller.dialFromPhone('*31', 'doorman-features', '1001', { waitSeconds: 8 });
      assert.equal(code.hungUp, true, JSON.stringify(code.timeline));
      await waitUntil('the caller is blocked', async () => (await entries(from)).block !== undefined);
      const { allow, block } = await entries(from);
      assert.equal(allow, undefined, 'off the allow list');
      assert.equal(block?.source, 'phone');
      assert.equal(block?.added_by, 'extension 1001');
      const again = await call(undefined, { from, delaySeconds: 0, waitSeconds: 1 });
      assert.equal(again.destination, 'blocked');
    });

    it('allowlists the last caller to this phone with *30, with the phone’s destination', async () => {
      const from = '+15557771002';
      // Routed to voicemail by a route that names no list: the phone at voicemail (1002) had it.
      const first = await call(undefined, { from, to: '15550005000', delaySeconds: 0, waitSeconds: 1 });
      assert.equal(first.destination, 'voicemail');
      await doorman.logRow(first.channelId);
      await caller.dialFromPhone('*30', 'doorman-features', '1002', { waitSeconds: 8 });
      await waitUntil('the caller is allowlisted', async () => (await entries(from)).allow !== undefined);
      const { allow } = await entries(from);
      assert.equal(allow?.destination, 'voicemail');
      assert.equal(allow?.added_by, 'extension 1002');
      const again = await call(undefined, { from, delaySeconds: 0, waitSeconds: 1 });
      assert.equal(again.destination, 'voicemail');
      assert.equal(again.told?.check, 'allowlist');
    });

    const refileFrom1001To = (ext: string) =>
      caller.dialFromPhone('*32', 'doorman-features', '1001', {
        dtmf: `${ext}#`,
        dtmfDelaySeconds: 1,
        waitSeconds: 10,
      });

    it('re-files the last caller to another extension with *32 and its number', async () => {
      const from = '+15557771003';
      await callToDesk(from);
      await refileFrom1001To('1002');
      await waitUntil(
        'the caller is re-filed',
        async () => (await entries(from)).allow?.destination === 'voicemail',
      );
      assert.equal((await entries(from)).allow?.added_by, 'extension 1001');
      const again = await call(undefined, { from, delaySeconds: 0, waitSeconds: 1 });
      assert.equal(again.destination, 'voicemail');
    });

    it('lets in a number the phone expects a call from with *33: to its destination, for phones.expectHours', async () => {
      const from = '+15557771005';
      const code = await caller.dialFromPhone('*33', 'doorman-features', '1002', {
        // As the phone's user would dial it: a national number.
        dtmf: '5557771005#',
        dtmfDelaySeconds: 1,
        waitSeconds: 14,
      });
      assert.equal(code.hungUp, true, JSON.stringify(code.timeline));
      const [pass] = await new ExpectedCallerStore(doorman.store).active();
      try {
        assert.equal(pass?.numberPrefix, from);
        assert.equal(pass?.destination, 'voicemail', "the phone's destination (phones.extensions)");
        const hours = (Date.parse(pass?.expiresAt ?? '') - Date.now()) / 3_600_000;
        assert.ok(hours > 3.9 && hours <= 4, `ends in ${hours} h`);
        const expected = await call(undefined, { from, delaySeconds: 0, waitSeconds: 1 });
        assert.equal(expected.destination, 'voicemail');
        assert.equal(expected.told?.check, 'allowlist');
        // One digit off is somebody else, screened as any caller.
        const rules = await doorman.app.numberRules.get();
        assert.equal(rules.match('allow', '+15557771006', '15550001000'), null);
      } finally {
        if (pass) await new ExpectedCallerStore(doorman.store).remove(pass.id);
        doorman.app.numberRules.invalidate();
      }
    });

    it('changes nothing for an extension it does not know', async () => {
      const from = '+15557771004';
      await callToDesk(from);
      await refileFrom1001To('9999');
      const { allow } = await entries(from);
      assert.equal(allow?.destination, 'desk');
      assert.equal(allow?.source, 'manual');
    });
  });
});

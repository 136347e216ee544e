import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallReport } from '../../src/calls/call-report.js';
import type { SimulatedCaller } from '../../src/telephony/simulated-caller.js';
import { numberedCalls, startCaller, startTestDoorman, testConfig, waitUntil } from '../support/doorman.js';
import { speechWav } from '../support/speech.js';

/**
 * Announced calls on the sandbox: Doorman rings the person asked for (a simulated phone in the
 * sandbox's [callee-sim] context that answers and presses a key, or does not), tells them who
 * is calling, and routes the caller on their key.
 */
describe('announced calls: the person asked for decides (Asterisk sandbox)', () => {
  const config = testConfig({
    'directory.file': 'test/fixtures/directory.yaml',
    'announce.ringSeconds': 5,
    'announce.keyTimeoutMs': 2_000,
    // The caller asked again after "not for me" says nothing: given up on sooner than on a call.
    'listen.noSpeechTimeoutMs': 2_000,
    routes: { default: { unknown: 'fallback', announce: 'always', retryNomatch: false } },
  });
  let doorman: Awaited<ReturnType<typeof startTestDoorman>>;
  let caller: SimulatedCaller;
  const alice = speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please.");
  const placeCall = numberedCalls(() => caller, '555124', 2_000);
  // The caller stays on through the ringing, the announcement and the callee's key.
  const call: typeof placeCall = (say, extra = {}) =>
    placeCall(say, { waitSeconds: 30, timeoutMs: 60_000, ...extra });
  let n = 0;

  before(async () => {
    doorman = await startTestDoorman('announce', config);
    caller = await startCaller('announce', config);
  });
  after(async () => {
    await caller?.close();
    await doorman?.stop();
  });

  /** The person behind `desk` will do this (an extension of [callee-sim]). */
  function calleeWill(extension: string) {
    config.destinations.desk = { context: 'callee-sim', extension, priority: 1 };
  }

  /** A caller already allowlisted by an earlier screening, to desk: announced on `always`, without a question. */
  async function screenedBefore(): Promise<string> {
    const number = `+1555125${1_000 + n++}`;
    await doorman.store.upsertCaller({
      number,
      rawNumber: number,
      list: 'allow',
      source: 'screened',
      destination: 'desk',
      note: 'asked for Alice Johnson',
    });
    return number;
  }

  async function assertNothingLeftBehind() {
    await waitUntil('Asterisk has no Doorman bridges or helper channels', async () => {
      const [bridges, channels] = await Promise.all([
        caller.connection.listBridges(),
        caller.connection.listChannels(),
      ]);
      return (
        !bridges.some((b) => b.id.startsWith('doorman-')) &&
        !channels.some((c) => c.id.startsWith('doorman-'))
      );
    });
  }

  const announceTrace = (r: CallReport) => r.checks.find((c) => c.check === 'announce')?.detail ?? '';

  it('1 accepts: the two are bridged, the caller allowlisted as accepted by the callee', async () => {
    calleeWill('key1');
    const from = '+15551239001';
    const result = await call(alice, { from });
    const report = await doorman.report(result.channelId);
    assert.equal(report.answer?.entry, 'alice-johnson', `heard "${report.answer?.transcript}"`);
    assert.equal(report.outcome, 'routed');
    assert.equal(report.verdict?.destination, 'desk');
    assert.match(announceTrace(report), /callee pressed 1 \(accept\)/);
    assert.equal(result.destination, null, 'bridged by Doorman, not sent on in the dialplan');
    assert.ok(report.timings.announceFirstAudioMs !== undefined, 'the callee heard the announcement');
    process.stderr.write(
      `announcement's first audio ${Math.round(report.timings.announceFirstAudioMs)} ms after the answer\n`,
    );
    await waitUntil('the caller is allowlisted', async () => !!(await doorman.store.lookup(from)).allow);
    const { allow } = await doorman.store.lookup(from);
    assert.equal(allow?.source, 'screened');
    assert.equal(allow?.destination, 'desk');
    assert.match(allow?.note ?? '', /accepted by the callee/);
    assert.equal(allow?.added_by, 'callee (key1)');
    await assertNothingLeftBehind();
  });

  it('2 sends the caller to voicemail, and lists nothing', async () => {
    calleeWill('key2');
    const from = await screenedBefore();
    const result = await call(undefined, { from });
    assert.equal(result.destination, 'voicemail');
    const report = await doorman.report(result.channelId);
    assert.equal(report.verdict?.check, 'announce');
    assert.match(announceTrace(report), /callee pressed 2 \(voicemail\); the caller waited \d+\.\d s/);
    assert.equal((await doorman.store.lookup(from)).block, undefined);
    await assertNothingLeftBehind();
  });

  it("3 blocks the caller's number and sends them to the route's blocked destination", async () => {
    calleeWill('key3');
    const from = await screenedBefore();
    const result = await call(undefined, { from });
    assert.equal(result.destination, 'blocked');
    await waitUntil('the caller is blocked', async () => !!(await doorman.store.lookup(from)).block);
    const lists = await doorman.store.lookup(from);
    assert.equal(lists.allow, undefined, 'off the allow list');
    assert.equal(lists.block?.source, 'phone');
    assert.match(lists.block?.note ?? '', /blocked by the callee/);
    await assertNothingLeftBehind();
  });

  it('4 always allows: bridged now, and put straight through next time', async () => {
    calleeWill('key4');
    const from = await screenedBefore();
    const first = await call(undefined, { from });
    assert.match(announceTrace(await doorman.report(first.channelId)), /callee pressed 4 \(always allow\)/);
    await waitUntil(
      'the callee said always',
      async () => (await doorman.store.lookup(from)).allow?.source === 'phone',
    );
    calleeWill('hangup');
    const next = await call(undefined, { from });
    const report = await doorman.report(next.channelId);
    assert.equal(report.verdict?.check, 'allowlist');
    assert.equal(report.verdict?.destination, 'desk');
    assert.equal(announceTrace(report), '', 'not announced again');
    await assertNothingLeftBehind();
  });

  it('5 (not for me) asks the caller again once; naming nobody, they go to unknown', async () => {
    calleeWill('key5');
    const from = await screenedBefore();
    const result = await call(undefined, { from });
    assert.equal(result.destination, 'fallback');
    const report = await doorman.report(result.channelId);
    assert.equal(report.answer?.outcome, 'silence', 'asked again, and heard');
    assert.match(announceTrace(report), /callee pressed 5 \(not for me\)/);
    await assertNothingLeftBehind();
  });

  for (const [behaviour, said] of [
    ['nokey', 'callee pressed no key'],
    ['noanswer', 'callee did not answer'],
    ['hangup', 'callee hung up'],
  ] as const) {
    it(`${behaviour}: the caller goes to voicemail (announce.noDecision)`, async () => {
      calleeWill(behaviour);
      const from = await screenedBefore();
      const result = await call(undefined, { from });
      assert.equal(result.destination, 'voicemail');
      const report = await doorman.report(result.channelId);
      assert.match(announceTrace(report), new RegExp(said));
      await assertNothingLeftBehind();
    });
  }

  it('ends the callee leg at once when the caller hangs up during the announcement', async () => {
    calleeWill('nokey');
    const from = await screenedBefore();
    const id = `sim-announce-hup-${Date.now()}`;
    const pending = call(undefined, { from, id });
    await waitUntil('the callee is rung', async () =>
      (await caller.connection.listChannels()).some((c) => c.id.startsWith('doorman-callee-')),
    );
    await new Promise((r) => setTimeout(r, 1_500));
    await caller.hangup(`${id}-in`);
    await pending;
    const report = await doorman.report(`${id}-in`);
    assert.equal(report.outcome, 'hung-up');
    await assertNothingLeftBehind();
  });
});

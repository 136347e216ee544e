import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallReport } from '../../src/calls/call-report.js';
import { CONFIRMS_WITH_KEY, type SimulatedCaller } from '../../src/telephony/simulated-caller.js';
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

  // Each way a callee can answer is a destination of its own (an extension of [callee-sim]), so
  // the calls below run at the same time; `desk`, where Alice Johnson's callers go, accepts.
  const BEHAVIOURS = ['key1', 'key2', 'key3', 'key4', 'key5', 'nokey', 'noanswer', 'hangup'] as const;
  for (const extension of BEHAVIOURS)
    config.destinations[extension] = { context: 'callee-sim', extension, priority: 1 };
  config.destinations.desk = { context: 'callee-sim', extension: 'key1', priority: 1 };

  /** A caller allowlisted by an earlier screening, to `destination`: announced on `always`, without a question. */
  async function screenedBefore(destination: (typeof BEHAVIOURS)[number]): Promise<string> {
    const number = `+1555125${1_000 + n++}`;
    await doorman.store.upsertCaller({
      number,
      rawNumber: number,
      list: 'allow',
      source: 'screened',
      destination,
      note: 'asked for Alice Johnson',
    });
    return number;
  }

  /** The channels Doorman rang for the call from `from` (the callee is shown the caller's number). */
  const calleeLegsOf = async (from: string) =>
    (await caller.connection.listChannels()).filter(
      (c) => c.id.startsWith('doorman-callee-') && c.caller?.number === from,
    );

  const announceTrace = (r: CallReport) => r.checks.find((c) => c.check === 'announce')?.detail ?? '';

  describe('each key, and each way without one (calls at the same time)', { concurrency: true }, () => {
    it('1 accepts: the two are bridged, the caller allowlisted as accepted by the callee', async () => {
      const from = '+15551239001';
      // Asked "Did you mean Alice Johnson?" (an answer left unchecked on a loaded machine), the
      // caller presses 1, as the live tests' callers do.
      const result = await call(alice, { from, ...CONFIRMS_WITH_KEY });
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
    });

    it('2 sends the caller to voicemail, and lists nothing', async () => {
      const from = await screenedBefore('key2');
      const result = await call(undefined, { from });
      assert.equal(result.destination, 'voicemail');
      const report = await doorman.report(result.channelId);
      assert.equal(report.verdict?.check, 'announce');
      assert.match(announceTrace(report), /callee pressed 2 \(voicemail\); the caller waited \d+\.\d s/);
      assert.equal((await doorman.store.lookup(from)).block, undefined);
    });

    it("3 blocks the caller's number and sends them to the route's blocked destination", async () => {
      const from = await screenedBefore('key3');
      const result = await call(undefined, { from });
      assert.equal(result.destination, 'blocked');
      await waitUntil('the caller is blocked', async () => !!(await doorman.store.lookup(from)).block);
      const lists = await doorman.store.lookup(from);
      assert.equal(lists.allow, undefined, 'off the allow list');
      assert.equal(lists.block?.source, 'phone');
      assert.match(lists.block?.note ?? '', /blocked by the callee/);
    });

    it('4 always allows: bridged now, and put straight through next time', async () => {
      const from = await screenedBefore('key4');
      const first = await call(undefined, { from });
      assert.match(announceTrace(await doorman.report(first.channelId)), /callee pressed 4 \(always allow\)/);
      await waitUntil(
        'the callee said always',
        async () => (await doorman.store.lookup(from)).allow?.source === 'phone',
      );
      const next = await call(undefined, { from });
      const report = await doorman.report(next.channelId);
      assert.equal(report.verdict?.check, 'allowlist');
      assert.equal(report.verdict?.destination, 'key4');
      assert.equal(announceTrace(report), '', 'not announced again');
    });

    it('5 (not for me) asks the caller again once; naming nobody, they go to unknown', async () => {
      const from = await screenedBefore('key5');
      const result = await call(undefined, { from });
      assert.equal(result.destination, 'fallback');
      const report = await doorman.report(result.channelId);
      assert.equal(report.answer?.outcome, 'silence', 'asked again, and heard');
      assert.match(announceTrace(report), /callee pressed 5 \(not for me\)/);
    });

    for (const [behaviour, said] of [
      ['nokey', 'callee pressed no key'],
      ['noanswer', 'callee did not answer'],
      ['hangup', 'callee hung up'],
    ] as const) {
      it(`${behaviour}: the caller goes to voicemail (announce.noDecision)`, async () => {
        const from = await screenedBefore(behaviour);
        const result = await call(undefined, { from });
        assert.equal(result.destination, 'voicemail');
        const report = await doorman.report(result.channelId);
        assert.match(announceTrace(report), new RegExp(said));
      });
    }

    it('ends the callee leg at once when the caller hangs up during the announcement', async () => {
      const from = await screenedBefore('nokey');
      const id = `sim-announce-hup-${Date.now()}`;
      const pending = call(undefined, { from, id });
      await waitUntil('the callee is rung', async () => (await calleeLegsOf(from)).length > 0);
      await new Promise((r) => setTimeout(r, 1_500));
      await caller.hangup(`${id}-in`);
      await pending;
      const report = await doorman.report(`${id}-in`);
      assert.equal(report.outcome, 'hung-up');
      await waitUntil("the callee's leg is gone", async () => (await calleeLegsOf(from)).length === 0);
    });
  });

  it('leaves no Doorman bridge or helper channel behind, on any of those paths', async () => {
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
  });
});

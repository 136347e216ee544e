import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CONFIRMS_WITH_KEY, type SimulatedCaller } from '../../src/telephony/simulated-caller.js';
import {
  assertSecondAnswer,
  numberedCalls,
  startCaller,
  startTestDoorman,
  testConfig,
} from '../support/doorman.js';
import { saidInTurn, speechWav } from '../support/speech.js';

// Callers the screen must not put through at once: nobody named, nothing said, a recorded
// message. (call.test.ts has the callers who are put through; one file per 180 s test limit.)
describe('a live call that names nobody, says nothing or is a machine, on the Asterisk sandbox', () => {
  const config = testConfig({
    'directory.file': 'test/fixtures/directory.yaml',
    // A caller who says nothing is given up on sooner than on a call (5 s): the dialogue is the same.
    'listen.noSpeechTimeoutMs': 2_500,
    routes: {
      default: { unknown: 'fallback', machine: 'machines' },
      '15550002000': { unknown: 'voicemail', retryNomatch: false },
    },
  });
  let doorman: Awaited<ReturnType<typeof startTestDoorman>>;
  let caller: SimulatedCaller;
  const alice = speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please.");
  const greeting = speechWav('greeting', 'Hello? Is anybody there?');
  const robocall = speechWav(
    'robocall',
    'This is an important message about your car warranty. Our records show that your vehicle warranty is about to expire. Press one now to speak to a specialist and renew your coverage before it is too late.',
  );

  before(async () => {
    doorman = await startTestDoorman('call-nobody', config);
    caller = await startCaller('call-nobody', config);
  });
  after(async () => {
    await caller?.close();
    await doorman?.stop();
  });

  const call = numberedCalls(() => caller, '555125', 2_000);

  it("sends a caller who names nobody to the route's unknown destination, chosen by the number dialled", async () => {
    const other = await call(greeting, { waitSeconds: 20 });
    assert.equal(other.destination, 'fallback');
    const dialled = await call(greeting, { to: '15550002000' });
    assert.equal(dialled.destination, 'voicemail');
    const report = await doorman.report(dialled.channelId);
    assert.equal(report.facts.route, '15550002000');
    assert.equal(report.answer?.outcome, 'nomatch', `heard "${report.answer?.transcript}"`);
    // The default route asked again (and kept the greeting, not the silence after it, as the
    // answer); the other one does not ask again (retryNomatch: false).
    const asked = await doorman.report(other.channelId);
    assert.equal(asked.answer?.outcome, 'nomatch', `heard "${asked.answer?.transcript}"`);
    const again = (r: typeof report) => (r.answer?.recording ?? '').replace(/\.wav$/, '-again1.wav');
    assert.ok(asked.answer?.recording?.endsWith(`${other.channelId}.wav`), asked.answer?.recording ?? '');
    assert.ok(existsSync(again(asked)), 'the second attempt has its own recording');
    assert.ok(!existsSync(again(report)), 'asked once');
  });

  it('asks a caller who named nobody again, and routes the name they say then', async () => {
    // A second answer barged in over the question is decoded while the thread may still be
    // catching up with the first: under load it goes unchecked and its caller is asked to
    // confirm (challenge.confirmUnchecked), so this caller confirms as a person would.
    const result = await call(saidInTurn('greeting-then-alice', [greeting, 3.5, alice]), {
      waitSeconds: 15,
      ...CONFIRMS_WITH_KEY,
    });
    assert.equal(result.destination, 'desk', JSON.stringify(result.timeline));
    const report = await doorman.report(result.channelId);
    assert.equal(report.answer?.entry, 'alice-johnson', `heard "${report.answer?.transcript}"`);
  });

  it('routes a caller who names nobody twice to the unknown destination, on their second answer', async () => {
    const result = await call(saidInTurn('greeting-twice', [greeting, 3.5, greeting]), { waitSeconds: 25 });
    assert.equal(result.destination, 'fallback', JSON.stringify(result.timeline));
    const report = await doorman.report(result.channelId);
    assert.equal(report.answer?.outcome, 'nomatch', `heard "${report.answer?.transcript}"`);
    // The answer logged is the latest one heard, with its own recording.
    assertSecondAnswer(report, result.channelId);
    assert.ok(existsSync(report.answer?.recording ?? ''), 'the second answer was recorded');
  });

  it('asks a caller heard as one name word, badly, for the full name, even where nobody named is not asked again', async () => {
    // "Millie" is nobody here; the grammar hears "billing", one word (an alias of Accounts),
    // whose phones, grammar aside, sound more like Robert Miller: a lone name word in doubt,
    // neither routed nor read back. The route does not ask again after nobody named
    // (retryNomatch: false), so only the full-name question lets this caller say more.
    const millie = speechWav('millie', 'Is Millie there?');
    const aliceAgain = speechWav('alice-second', 'Alice Johnson, please.');
    const result = await call(saidInTurn('millie-then-alice', [millie, 4.5, aliceAgain]), {
      to: '15550002000',
      waitSeconds: 20,
      ...CONFIRMS_WITH_KEY,
    });
    assert.equal(result.destination, 'desk', JSON.stringify(result.timeline));
    const report = await doorman.report(result.channelId);
    assert.equal(report.answer?.entry, 'alice-johnson', `heard "${report.answer?.transcript}"`);
    assertSecondAnswer(report, result.channelId);
  });

  // Three calls at once (the file's longest): none needs the phone loop's check, so sharing the
  // recogniser changes nothing they show, and the file takes half the time.
  describe('silence and recorded messages, at the same time', { concurrency: true }, () => {
    it('asks a silent caller again, then routes them to the unknown destination', async () => {
      const result = await call(undefined, { delaySeconds: 0, waitSeconds: 30 });
      assert.equal(result.destination, 'fallback');
      const report = await doorman.report(result.channelId);
      assert.equal(report.answer?.outcome, 'silence');
      assert.equal(report.answer?.speechMs, 0);
      // Two prompts and two no-speech timeouts: the question was asked twice.
      const twice = (report.timings.promptMs ?? 0) + 2 * config.listen.noSpeechTimeoutMs;
      assert.ok(report.timings.totalMs > twice, `call took ${Math.round(report.timings.totalMs)} ms`);
    });

    it("sends a recorded monologue to the route's machine destination", async () => {
      const result = await call(robocall, { waitSeconds: 30 });
      assert.equal(result.destination, 'machines');
      const report = await doorman.report(result.channelId);
      assert.equal(report.answer?.outcome, 'machine');
    });

    it('sends a recorded message whose first words name someone, then pause, to the machine destination', async () => {
      // Alone, its first sentence is a caller who is put through (call.test.ts): the pause ends
      // the answer, and the message goes on over "Thank you." (listen.holdMs).
      const result = await call(saidInTurn('alice-then-robocall', [alice, 1.5, robocall]), {
        waitSeconds: 30,
      });
      assert.equal(result.destination, 'machines', JSON.stringify(result.timeline));
      const report = await doorman.report(result.channelId);
      assert.equal(report.answer?.outcome, 'machine', `heard "${report.answer?.transcript}"`);
      assert.equal(report.answer?.heardOut, 1);
    });
  });
});

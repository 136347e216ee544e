import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { choiceOptions, choicePrompt } from '../../src/challenge/choice.js';
import { loadDirectoryFile } from '../../src/challenge/setup.js';
import { speak } from '../../src/speech/tts.js';
import { CONFIRMS_WITH_KEY, type SimulatedCaller } from '../../src/telephony/simulated-caller.js';
import {
  assertSecondAnswer,
  numberedCalls,
  startCaller,
  startTestDoorman,
  testConfig,
} from '../support/doorman.js';
import { saidInTurn, speechWav } from '../support/speech.js';

describe('callers asking for one of two names that sound the same', () => {
  const config = testConfig({
    'directory.file': 'test/fixtures/homophones.yaml',
    // Callers who press nothing, or say nothing, are given up on sooner than on a call.
    'challenge.choiceTimeoutMs': 2_000,
    'listen.noSpeechTimeoutMs': 2_500,
    routes: { default: { unknown: 'fallback' } },
  });
  let doorman: Awaited<ReturnType<typeof startTestDoorman>>;
  let caller: SimulatedCaller;
  const anne = speechWav('anne-leigh', 'Is Anne Leigh there, please?');

  before(async () => {
    doorman = await startTestDoorman('choose', config);
    caller = await startCaller('choose', config);
  });
  after(async () => {
    await caller?.close();
    await doorman?.stop();
  });

  it('are asked which one they mean, and press a key to choose', async () => {
    // Options are offered in id order: 1 = Ann Lee, 2 = Anne Leigh.
    const result = await caller.call({
      from: '+15556660001',
      to: '15550001000',
      say: anne,
      delaySeconds: 3,
      dtmf: '2',
      dtmfDelaySeconds: CONFIRMS_WITH_KEY.dtmfDelaySeconds,
      waitSeconds: 10,
      timeoutMs: 40_000,
    });
    assert.equal(result.destination, 'voicemail', JSON.stringify(result.timeline));
    const report = await doorman.report(result.channelId);
    assert.equal(report.answer?.entry, 'anne-leigh');
    assert.deepEqual(report.answer?.contenders, ['anne-leigh']);
    // The key, pressed while the names were still being read out, cut the list short.
    const offered = choiceOptions(
      ['ann-lee', 'anne-leigh'],
      loadDirectoryFile(config.directory.file as string),
    );
    const listMs = (await speak(choicePrompt(offered))).length / 16;
    const choiceMs = report.timings.choiceMs ?? Number.POSITIVE_INFINITY;
    assert.ok(choiceMs < listMs - 500, `choosing took ${Math.round(choiceMs)} ms; the list is ${listMs} ms`);
  });

  it('who press nothing are asked again, then go to the unknown destination', async () => {
    const result = await caller.call({
      from: '+15556660002',
      to: '15550001000',
      say: anne,
      delaySeconds: 3,
      waitSeconds: 30,
      timeoutMs: 60_000,
    });
    assert.equal(result.destination, 'fallback');
    const report = await doorman.report(result.channelId);
    // Asked to choose (and waited for a key), then asked again; silent the second time.
    // Logged on what they did say: the ambiguous answer and its recording, not the silence.
    assert.equal(report.answer?.outcome, 'ambiguous', `heard "${report.answer?.transcript}"`);
    assert.deepEqual([...(report.answer?.contenders ?? [])].sort(), ['ann-lee', 'anne-leigh']);
    assert.ok(report.answer?.recording?.endsWith(`${result.channelId}.wav`), report.answer?.recording ?? '');
    assert.ok(
      report.timings.totalMs > config.challenge.choiceTimeoutMs + 2 * 2_600,
      `took ${Math.round(report.timings.totalMs)} ms`,
    );
  });
});

describe('a caller whose name fits the audio just below the line', () => {
  // Every fit counts as doubtful here, so a clear answer stands in for a doubtful one (the
  // native build fits a clear answer a little above 0).
  const config = testConfig({
    'directory.file': 'test/fixtures/directory.yaml',
    'challenge.minAcousticFit': 100,
    'challenge.confirmAcousticFit': -1000,
    // The fit comes from the phone loop, which a thread behind its audio drops (speech.soundswallower.shedLagMs):
    // on a busy machine the answer then went unchecked, with no fit to be doubtful about (a CI
    // run with the unit tests beside it). Shedding has its own test below and in speech.test.ts.
    'speech.soundswallower.shedLagMs': 0,
  });
  let doorman: Awaited<ReturnType<typeof startTestDoorman>>;
  let caller: SimulatedCaller;

  before(async () => {
    doorman = await startTestDoorman('confirm', config);
    caller = await startCaller('confirm', config);
  });
  after(async () => {
    await caller?.close();
    await doorman?.stop();
  });

  it('is asked to confirm the one name heard, and put through on the key', async () => {
    const result = await caller.call({
      from: '+15556660003',
      to: '15550001000',
      say: speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please."),
      delaySeconds: 3,
      dtmf: '1',
      dtmfDelaySeconds: CONFIRMS_WITH_KEY.dtmfDelaySeconds,
      waitSeconds: 10,
      timeoutMs: 40_000,
    });
    assert.equal(result.destination, 'desk', JSON.stringify(result.timeline));
    const report = await doorman.report(result.channelId);
    assert.equal(typeof report.answer?.fit, 'number', 'the name was checked');
    assert.equal(report.answer?.entry, 'alice-johnson');
    assert.equal(report.answer?.outcome, 'match');
    assert.equal(typeof report.timings.choiceMs, 'number', 'asked before being put through');
  });
});

describe('a name of one word, after a way of asking or alone', () => {
  // Every lone name word fails the plain line (challenge.oneWordNameFit) and passes the line
  // after a way of asking (challenge.askedNameFit): which line an answer meets is all the two
  // calls below can differ on.
  const config = testConfig({
    'directory.file': 'test/fixtures/directory.yaml',
    'challenge.oneWordNameFit': 0,
    'challenge.askedNameFit': -1000,
    'speech.soundswallower.shedLagMs': 0,
    routes: { default: { unknown: 'fallback', retryNomatch: false } },
  });
  let doorman: Awaited<ReturnType<typeof startTestDoorman>>;
  let caller: SimulatedCaller;
  const call = numberedCalls(() => caller, '555127', 3_000);

  before(async () => {
    doorman = await startTestDoorman('asked-name', config);
    caller = await startCaller('asked-name', config);
  });
  after(async () => {
    await caller?.close();
    await doorman?.stop();
  });

  it('puts through a first name asked for in words of asking', async () => {
    const result = await call(speechWav('alice-asked', 'Can I talk to Alice?'));
    assert.equal(result.destination, 'desk', JSON.stringify(result.timeline));
    const report = await doorman.report(result.channelId);
    assert.equal(report.answer?.entry, 'alice-johnson', `heard "${report.answer?.transcript}"`);
    assert.doesNotMatch(report.answer?.transcript ?? '', /johnson/, 'heard as the first name alone');
    assert.equal(typeof report.answer?.fit, 'number', 'the name was checked');
  });

  it('asks a caller who says the first name alone for the full name, where nobody named is not asked again', async () => {
    const lone = speechWav('alice-alone', 'Alice, please.');
    const full = speechWav('alice-second', 'Alice Johnson, please.');
    const result = await call(saidInTurn('alice-alone-then-full', [lone, 4.5, full]), { waitSeconds: 20 });
    assert.equal(result.destination, 'desk', JSON.stringify(result.timeline));
    const report = await doorman.report(result.channelId);
    assert.equal(report.answer?.entry, 'alice-johnson', `heard "${report.answer?.transcript}"`);
    // Routed on the second answer, the full name: the first was heard and not put through.
    assertSecondAnswer(report, result.channelId);
  });
});

describe('callers answering at once, more than the recogniser can check', () => {
  // One recognition thread that checks one answer at a time: the second caller's name goes unchecked.
  const config = testConfig({
    'directory.file': 'test/fixtures/directory.yaml',
    'speech.soundswallower.threads': 1,
    'speech.soundswallower.phoneLoopMaxStreams': 1,
  });
  let doorman: Awaited<ReturnType<typeof startTestDoorman>>;
  let caller: SimulatedCaller;

  before(async () => {
    doorman = await startTestDoorman('unchecked', config);
    caller = await startCaller('unchecked', config);
  });
  after(async () => {
    await caller?.close();
    await doorman?.stop();
  });

  it('are asked to confirm an unchecked name, and put through on the key', async () => {
    const say = speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please.");
    const results = await Promise.all(
      ['+15556660004', '+15556660005'].map((from) =>
        caller.call({
          from,
          to: '15550001000',
          say,
          delaySeconds: 3,
          dtmf: '1',
          dtmfDelaySeconds: CONFIRMS_WITH_KEY.dtmfDelaySeconds,
          waitSeconds: 10,
          timeoutMs: 40_000,
        }),
      ),
    );
    const reports = await Promise.all(results.map((r) => doorman.report(r.channelId)));
    for (const [i, r] of results.entries()) {
      assert.equal(r.destination, 'desk', JSON.stringify(r.timeline));
      assert.equal(reports[i]?.answer?.entry, 'alice-johnson');
    }
    const unchecked = reports.filter((r) => r.answer?.checked === false);
    assert.ok(unchecked.length >= 1, JSON.stringify(reports.map((r) => r.answer)));
    for (const r of unchecked) {
      assert.equal(r.answer?.fit, undefined);
      assert.equal(typeof r.timings.choiceMs, 'number', 'asked before being put through');
    }
    // An answer that was checked went straight through.
    for (const r of reports.filter((x) => x.answer?.checked === true))
      assert.equal(r.timings.choiceMs, undefined);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { askForPin } from '../../src/calls/pin-dialogue.js';
import { CALL_STEPS } from '../../src/calls/steps/index.js';
import { type Challenge, createChallenge, loadDirectoryFile } from '../../src/challenge/setup.js';
import { CallGoneError, DoormanError, TimeoutError } from '../../src/errors.js';
import { runChecks } from '../../src/policy/pipeline.js';
import { dialogueConfig, dialogueLogger, dialogueOn, said } from '../support/dialogue.js';
import { FaultyEngine } from '../support/faulty-engine.js';
import { MemoryChannel } from '../support/memory-channel.js';
import { stepContext } from '../support/step-context.js';

/**
 * The speech challenge's dialogue on a channel in memory, with the real recogniser: what the
 * caller hears, in which order, and what is decided, for each way a caller can answer.
 */
describe('the speech challenge as a dialogue (in-memory channel, real recogniser)', () => {
  const { config, challenge, start, run } = dialogueOn('test/fixtures/directory.yaml');
  const alice = said('alice', "Hello, I'd like to speak to Alice Johnson, please.");

  it('answers, asks once and routes on the name said', async () => {
    const { answer, channel, events } = await run([{ say: alice }]);
    assert.equal(answer.outcome, 'match', answer.transcript);
    assert.equal(answer.entry, 'alice-johnson');
    assert.equal(channel.answered, 1);
    assert.equal(channel.prompts.length, 2, `the question, then "Thank you.": ${channel.prompts.join(', ')}`);
    assert.equal(answer.heardOut, undefined, 'a caller who waits is not heard out');
    assert.ok(answer.recording?.endsWith('memory-call.wav'));
    assert.deepEqual(events, ['heard']);
    assert.equal(channel.mediaClosed, 1, 'the media leg is closed when the dialogue ends');
  });

  it('asks a silent caller again and routes on what they say then', async () => {
    const { answer, channel } = await run([{}, { say: alice }]);
    assert.equal(answer.entry, 'alice-johnson', answer.transcript);
    assert.equal(channel.prompts.length, 3, 'the question, the retry prompt, "Thank you."');
    assert.ok(answer.recording?.endsWith('memory-call-again1.wav'), answer.recording ?? '');
  });

  it('gives up on a caller silent every time, on the media leg it opened once', async () => {
    const { answer, channel } = await run([{}, {}, {}]);
    assert.equal(answer.outcome, 'silence');
    assert.equal(channel.prompts.length, (config.routes.default?.retries ?? 0) + 1);
    assert.equal(channel.mediaOpened, 1);
  });

  it('ends at once when the caller hangs up during the question, and closes the media leg', async () => {
    const { channel, done } = start([{ hangUp: true }]);
    await assert.rejects(done, CallGoneError);
    assert.equal(channel.mediaOpened, 1);
    assert.equal(channel.mediaClosed, 1);
  });

  it('fails with MEDIA_CLOSED when the media leg drops mid-answer', async () => {
    const { channel, done } = start([{ say: alice, dropMediaAfterMs: 800 }]);
    await assert.rejects(done, (e) => e instanceof DoormanError && e.code === 'MEDIA_CLOSED');
    assert.equal(channel.prompts.length, 1, 'not asked again on a dead leg');
  });

  describe('with a speech engine that stalls or fails (fault injection)', () => {
    let faulty: FaultyEngine;
    let c: Challenge;
    const stallConfig = dialogueConfig({ 'speech.finalTimeoutMs': 2_000 });
    before(async () => {
      c = await createChallenge(
        stallConfig,
        loadDirectoryFile('test/fixtures/directory.yaml'),
        dialogueLogger,
        (e) => {
          faulty = new FaultyEngine(e);
          return faulty;
        },
      );
    });
    after(async () => {
      await c?.engine.close();
    });

    it('gives up on a stalled engine at the final-transcript deadline, and closes the media leg', async () => {
      faulty.fault = 'stall';
      const { channel, done } = start([{ say: alice }], c, stallConfig);
      const t0 = performance.now();
      await assert.rejects(done, TimeoutError);
      // The deadline counts from the end of the answer (about 4.5 s of speech and silence).
      assert.ok(performance.now() - t0 < 4_500 + stallConfig.speech.finalTimeoutMs + 2_000);
      assert.equal(channel.mediaClosed, 1);
    });

    it('ends at once on an engine that refuses the stream (the session then lets the caller through)', async () => {
      faulty.fault = 'throw-on-open';
      const { channel, done } = start([{ say: alice }], c);
      await assert.rejects(done, /injected/);
      assert.equal(channel.mediaClosed, 1);
    });
  });

  it('as the challenge step of a route: routes on the name, and leaves the caller to allowlist', async () => {
    const channel = new MemoryChannel([{ say: alice }]);
    const ctx = stepContext(config, channel, { challenge: challenge() });
    const r = await runChecks([CALL_STEPS.challenge], ctx, {
      timeoutMs: 500,
      interactiveTimeoutMs: 60_000,
      signal: channel.signal,
    }).finally(() => channel.stop());
    assert.equal(r.verdict?.destination, 'desk', JSON.stringify(r.trace));
    assert.equal(ctx.found.answer?.entry, 'alice-johnson');
    assert.equal(ctx.found.allowlist?.source, 'screened');
    assert.match(ctx.found.allowlist?.note ?? '', /^asked for Alice Johnson: "/);
    assert.ok((ctx.timings.listenMs ?? 0) > 0, 'the listening time is kept for the report');
  });

  it('ends at once when the caller hangs up during the second question', async () => {
    const cfg = dialogueConfig({
      'challenge.secondQuestion': true,
      'speech.questionsFile': 'test/fixtures/weekday-question.yaml',
    });
    const c = await createChallenge(cfg, loadDirectoryFile('test/fixtures/directory.yaml'), dialogueLogger);
    try {
      const { channel, done } = start([{ say: alice }, {}, { hangUp: true }], c, cfg);
      await assert.rejects(done, CallGoneError);
      assert.equal(channel.prompts.length, 3, 'the question, "Thank you.", the second question, cut off');
      assert.equal(channel.mediaClosed, 1);
    } finally {
      await c.engine.close();
    }
  });

  it('asks the second question after a clear answer, and hears the day', async () => {
    const cfg = dialogueConfig({
      'challenge.secondQuestion': true,
      'speech.questionsFile': 'test/fixtures/weekday-question.yaml',
    });
    const c = await createChallenge(cfg, loadDirectoryFile('test/fixtures/directory.yaml'), dialogueLogger);
    try {
      const today = new Date().toLocaleDateString('en-US', { weekday: 'long' });
      const { answer, channel } = await run(
        [{ say: alice }, {}, { say: said(`day-${today}`, `It's ${today}.`) }],
        c,
        cfg,
      );
      assert.equal(answer.entry, 'alice-johnson');
      assert.equal(answer.second?.passed, true, `heard "${answer.second?.transcript}"`);
      assert.equal(channel.prompts.length, 3, 'the question, "Thank you.", the second question');
    } finally {
      await c.engine.close();
    }
  });
});

describe('the PIN dialogue (in-memory channel)', () => {
  const rules = {
    attempts: 2,
    prompt: 'doorman/enter-pin',
    wrongPrompt: 'doorman/pin-wrong',
    length: 0,
    firstDigitMs: 1_000,
    interDigitMs: 1_000,
    totalMs: 10_000,
  };
  const judge = (right: string) => ({
    verify: async (digits: string) => (digits === right ? 'ACME' : null),
    wrong: async () => false,
  });

  it('takes a PIN typed over the prompt, ended by #', async () => {
    const channel = new MemoryChannel([{ keys: '4321#' }]);
    const outcome = await askForPin(channel, rules, judge('4321'));
    channel.stop();
    assert.deepEqual(outcome, { kind: 'accepted', value: 'ACME', attempts: 1 });
    assert.deepEqual(channel.prompts, ['sound:doorman/enter-pin']);
  });

  it('says the PIN was wrong and asks again; nothing typed twice is no input', async () => {
    const wrongThenRight = new MemoryChannel([{ keys: '1111#' }, { keys: '4321#' }]);
    assert.deepEqual(await askForPin(wrongThenRight, rules, judge('4321')), {
      kind: 'accepted',
      value: 'ACME',
      attempts: 2,
    });
    assert.deepEqual(wrongThenRight.prompts, ['sound:doorman/enter-pin', 'sound:doorman/pin-wrong']);
    const silent = new MemoryChannel([{}, {}]);
    assert.deepEqual(await askForPin(silent, rules, judge('4321')), { kind: 'no-input', attempts: 2 });
    wrongThenRight.stop();
    silent.stop();
  });
});

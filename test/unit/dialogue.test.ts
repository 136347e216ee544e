import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { parseWav } from '../../src/audio/wav.js';
import { askForPin } from '../../src/calls/pin-dialogue.js';
import { RecordingStore } from '../../src/calls/recordings.js';
import { CALL_STEPS } from '../../src/calls/steps/index.js';
import { runChallenge } from '../../src/challenge/dialogue.js';
import { type Challenge, createChallenge, loadDirectoryFile } from '../../src/challenge/setup.js';
import type { ChallengeContext } from '../../src/challenge/steps/context.js';
import { loadConfig } from '../../src/config/load.js';
import { CallGoneError, DoormanError, TimeoutError } from '../../src/errors.js';
import { runChecks } from '../../src/policy/pipeline.js';
import { FaultyEngine } from '../support/faulty-engine.js';
import { MemoryChannel, type Turn } from '../support/memory-channel.js';
import { speechWav } from '../support/speech.js';
import { stepContext } from '../support/step-context.js';

/** 8 kHz flite speech as the media leg carries it (16 kHz). */
function said(name: string, text: string): Int16Array {
  const pcm = parseWav(readFileSync(speechWav(name, text))).samples;
  return Int16Array.from({ length: pcm.length * 2 }, (_, i) => pcm[i >> 1] as number);
}

/**
 * The speech challenge's dialogue on a channel in memory, with the real recogniser: what the
 * caller hears, in which order, and what is decided, for each way a caller can answer.
 */
describe('the speech challenge as a dialogue (in-memory channel, real recogniser)', () => {
  const configFor = (overrides: Record<string, unknown>) =>
    loadConfig({
      env: {},
      overrides: {
        'speech.threads': 1,
        // A silent caller is given up on sooner than on a call (5 s): the dialogue is the same.
        'listen.noSpeechTimeoutMs': 2_000,
        // These tests are about the dialogue, not load: a thread that falls behind (another test
        // file decoding beside this one) would leave the answer unchecked and the scripted caller
        // would be asked to confirm, which it does not do. Shedding has its own tests (speech.test.ts).
        'speech.shedLagMs': 0,
        'recordings.dir': mkdtempSync(join(tmpdir(), 'doorman-dialogue-')),
        ...overrides,
      } as never,
    });
  const logger = pino({ level: 'silent' });
  const alice = said('alice', "Hello, I'd like to speak to Alice Johnson, please.");
  let challenge: Challenge;
  const config = configFor({});

  before(async () => {
    challenge = await createChallenge(config, loadDirectoryFile('test/fixtures/directory.yaml'), logger);
  });
  after(async () => {
    await challenge?.engine.close();
  });

  /** The dialogue on a new in-memory channel: the channel at once, the answer once it is over. */
  const start = (script: Turn[], c = challenge, cfg = config) => {
    const channel = new MemoryChannel(script);
    const events: string[] = [];
    const ctx: ChallengeContext = {
      channel,
      config: cfg,
      route: cfg.routes.default as ChallengeContext['route'],
      challenge: c,
      recordings: new RecordingStore(cfg.recordings.dir),
      log: logger,
      publish: (e) => events.push(e.type),
    };
    const done = runChallenge(ctx, {}).finally(() => channel.stop());
    return { channel, events, done };
  };
  const run = async (script: Turn[], c = challenge, cfg = config) => {
    const { channel, events, done } = start(script, c, cfg);
    return { answer: await done, channel, events };
  };

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
    before(async () => {
      c = await createChallenge(config, loadDirectoryFile('test/fixtures/directory.yaml'), logger, (e) => {
        faulty = new FaultyEngine(e);
        return faulty;
      });
    });
    after(async () => {
      await c?.engine.close();
    });

    it('gives up on a stalled engine at the final-transcript deadline, and closes the media leg', async () => {
      faulty.fault = 'stall';
      const { channel, done } = start([{ say: alice }], c);
      const t0 = performance.now();
      await assert.rejects(done, TimeoutError);
      // The deadline counts from the end of the answer (about 4.5 s of speech and silence).
      assert.ok(performance.now() - t0 < 4_500 + config.speech.finalTimeoutMs + 2_000);
      assert.equal(channel.mediaClosed, 1);
    });

    it('ends at once on an engine that refuses the stream (the session then lets the caller through)', async () => {
      faulty.fault = 'throw-on-open';
      const { channel, done } = start([{ say: alice }], c);
      await assert.rejects(done, /injected/);
      assert.equal(channel.mediaClosed, 1);
    });
  });

  describe('with two names that sound the same', () => {
    let homophones: Challenge;
    before(async () => {
      homophones = await createChallenge(config, loadDirectoryFile('test/fixtures/homophones.yaml'), logger);
    });
    after(async () => {
      await homophones?.engine.close();
    });
    const anne = said('anne-leigh', 'Is Anne Leigh there, please?');

    it('reads the choices and takes the key pressed over them', async () => {
      // Options are offered in id order: 1 = Ann Lee, 2 = Anne Leigh.
      const { answer, channel } = await run([{ say: anne }, {}, { keys: '2' }], homophones);
      assert.equal(answer.outcome, 'match');
      assert.equal(answer.entry, 'anne-leigh');
      assert.equal(channel.prompts.length, 3, 'the question, "Thank you.", the choice');
    });

    it('ends at once when the caller hangs up while the choices are read', async () => {
      const { channel, done } = start([{ say: anne }, {}, { hangUp: true }], homophones);
      await assert.rejects(done, CallGoneError);
      assert.equal(channel.prompts.length, 3, 'the question, "Thank you.", the choice, cut off');
      assert.equal(channel.mediaClosed, 1);
    });

    it('asks again when no key is pressed, and keeps the ambiguous answer', async () => {
      const cfg = configFor({ 'challenge.choiceTimeoutMs': 1_000 });
      const { answer } = await run([{ say: anne }, {}, {}, {}, {}], homophones, cfg);
      assert.equal(answer.outcome, 'ambiguous');
      assert.deepEqual([...answer.contenders].sort(), ['ann-lee', 'anne-leigh']);
    });
  });

  it('never reads a directory name to a caller who names nobody, however often they answer', async () => {
    // Every prompt plays over the media leg: the question, the question again, and between
    // them the choice or confirmation that reads names out, which must never come.
    const questions = (config.routes.default?.retries ?? 0) + 1;
    for (const [name, text] of [
      ['hello', 'Hello?'],
      ['hey', 'Hey.'],
      ['yes', 'Yes?'],
      ['bruce', 'Can I speak to Bruce Wayne?'],
    ] as const) {
      const words = said(name, text);
      const { answer, channel } = await run([{ say: words }, { say: words }, {}]);
      assert.notEqual(answer.outcome, 'match', `${text} heard as "${answer.transcript}"`);
      assert.equal(
        channel.prompts.length,
        questions,
        `${text}: ${channel.prompts.join(', ')} ("${answer.transcript}")`,
      );
    }
  });

  it('hears out a recorded message that names someone, pauses, and talks on over "Thank you."', async () => {
    const rest = said(
      'robocall-rest',
      'We are calling about your vehicle warranty, which is about to expire. Please press one now to speak with a specialist about extending your coverage, or press two to stop receiving these calls.',
    );
    // Its first words are those of a caller who is put through (the first test).
    const { answer, channel } = await run([{ say: alice }, { say: rest }, {}, {}]);
    assert.equal(answer.outcome, 'machine', `"${answer.transcript}" (${answer.speechMs} ms of speech)`);
    assert.equal(answer.heardOut, 1);
    assert.match(answer.transcript, /alice johnson/);
    assert.equal(
      channel.prompts.length,
      2,
      `the question, "Thank you.", no names read: ${channel.prompts.join(', ')}`,
    );
  });

  it('as the challenge step of a route: routes on the name, and leaves the caller to allowlist', async () => {
    const channel = new MemoryChannel([{ say: alice }]);
    const ctx = stepContext(config, channel, { challenge });
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
    const cfg = configFor({
      'challenge.secondQuestion': true,
      'speech.questionsFile': 'test/fixtures/weekday-question.yaml',
    });
    const c = await createChallenge(cfg, loadDirectoryFile('test/fixtures/directory.yaml'), logger);
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
    const cfg = configFor({
      'challenge.secondQuestion': true,
      'speech.questionsFile': 'test/fixtures/weekday-question.yaml',
    });
    const c = await createChallenge(cfg, loadDirectoryFile('test/fixtures/directory.yaml'), logger);
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

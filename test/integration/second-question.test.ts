import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parseWav } from '../../src/audio/wav.js';
import type { SimulatedCaller } from '../../src/telephony/simulated-caller.js';
import { startCaller, startTestDoorman, testConfig } from '../support/doorman.js';
import { saidInTurn, speechWav } from '../support/speech.js';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

describe('the second question on the Asterisk sandbox', () => {
  const config = testConfig({
    'challenge.secondQuestion': true,
    'speech.questionsFile': 'test/fixtures/weekday-question.yaml',
    // An answer left unchecked under load is put to the caller as "Did you mean ...?", which
    // these callers, answering a weekday next, do not press for (speech.soundswallower.shedLagMs).
    'speech.soundswallower.shedLagMs': 0,
    routes: { default: { unknown: 'fallback' } },
  });
  let doorman: Awaited<ReturnType<typeof startTestDoorman>>;
  let caller: SimulatedCaller;
  const alice = speechWav('alice-second', 'Alice Johnson, please.');
  /** A caller who asks for Alice, then names `day` once the second question is asked. */
  const callSaying = async (from: string, day: string) => {
    const say = saidInTurn(`alice-then-${day.toLowerCase()}`, [
      alice,
      3.5,
      speechWav(`its-${day}`, `It's ${day}.`),
    ]);
    const result = await caller.call({
      from,
      to: '15550001000',
      say,
      delaySeconds: 3,
      waitSeconds: 10,
      timeoutMs: 45_000,
    });
    return { result, report: await doorman.report(result.channelId) };
  };

  before(async () => {
    doorman = await startTestDoorman('second-question', config);
    caller = await startCaller('second-question', config);
  });
  after(async () => {
    await caller?.close();
    await doorman?.stop();
  });

  it('puts a caller through who names someone and then gives the right day', async () => {
    const today = WEEKDAYS[new Date().getDay()] as string;
    const from = '+15557770001';
    const { result, report } = await callSaying(from, today);
    assert.equal(result.destination, 'desk', JSON.stringify(report.answer));
    assert.equal(report.answer?.entry, 'alice-johnson');
    assert.equal(report.answer?.second?.passed, true);
    assert.match(report.answer?.second?.transcript ?? '', new RegExp(today, 'i'));
    assert.ok((await doorman.store.lookup(from)).allow, 'allowlisted');
    const trace = report.checks.find((c) => c.check === 'second-question');
    assert.equal(trace?.result, 'next');
    assert.match(trace?.detail ?? '', /What day of the week is it/);
    // Both answers are kept for the screening log, each as its own recording.
    const row = await doorman.logRow(result.channelId);
    assert.ok(row?.recording && row.question_recording, JSON.stringify(row));
    assert.notEqual(row.recording, row.question_recording);
    const answer = parseWav(readFileSync(row.question_recording));
    assert.ok(answer.samples.length / answer.sampleRate > 1, 'the spoken day is in it');
  });

  it('sends one who gives the wrong day to the unknown destination, not allowlisted', async () => {
    const wrong = WEEKDAYS[(new Date().getDay() + 3) % 7] as string;
    const from = '+15557770002';
    const { result, report } = await callSaying(from, wrong);
    assert.equal(result.destination, 'fallback', JSON.stringify(report.answer));
    assert.equal(report.answer?.entry, 'alice-johnson');
    assert.equal(report.answer?.second?.passed, false);
    assert.match(report.verdict?.reason ?? '', /What day of the week/);
    assert.equal((await doorman.store.lookup(from)).allow, undefined);
  });
});

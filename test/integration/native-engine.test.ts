import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SoundSwallowerEngine } from '../../src/speech/soundswallower-engine.js';
import type { SimulatedCaller } from '../../src/telephony/simulated-caller.js';
import { numberedCalls, startCaller, startTestDoorman, testConfig, waitUntil } from '../support/doorman.js';
import { speechWav } from '../support/speech.js';

/** Whether a process is still there (signal 0 only asks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("a live call screened by the native recogniser (Debian's libpocketsphinx3)", () => {
  const config = testConfig({
    'directory.file': 'test/fixtures/directory.yaml',
    'speech.soundswallower.runtime': 'native',
    // The answer's check (phone loop, RNNoise) is what this asserts, and a thread behind its
    // audio drops it (speech.soundswallower.shedLagMs), as other work on the machine can make it.
    'speech.soundswallower.shedLagMs': 0,
    routes: { default: { unknown: 'fallback', machine: 'machines' } },
  });
  let doorman: Awaited<ReturnType<typeof startTestDoorman>>;
  let caller: SimulatedCaller;
  const call = numberedCalls(() => caller, '555321', 1_000);

  before(async () => {
    doorman = await startTestDoorman('native', config);
    caller = await startCaller('native', config);
  });
  after(async () => {
    await caller?.close();
    await doorman?.stop();
  });

  /** The recognition workers' processes. */
  const workers = () => {
    assert.ok(doorman.speech instanceof SoundSwallowerEngine);
    return doorman.speech.workerProcessIds;
  };

  it('decodes in processes of its own', () => {
    assert.equal((doorman.speech as SoundSwallowerEngine).build, 'native');
    assert.ok(workers().length > 0 && workers().every(alive), 'recognition processes are running');
  });

  describe('two callers at once', { concurrency: true }, () => {
    it('routes a caller who names someone, their answer checked by the phone loop', async () => {
      const result = await call(speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please."));
      assert.equal(result.destination, 'desk', `timeline: ${JSON.stringify(result.timeline)}`);
      const answer = (await doorman.report(result.channelId)).answer;
      assert.equal(answer?.entry, 'alice-johnson', `heard "${answer?.transcript}"`);
      assert.equal(answer?.checked, true);
      assert.equal(answer?.denoised, true);
      assert.ok(answer?.fit !== undefined && answer.fit > -50, `fit ${answer?.fit}`);
    });

    it('sends a caller who names nobody to the route, not to a person', async () => {
      // Asked again after naming nobody (retryNomatch), this caller says nothing more: it stays
      // on the line long enough for that question and its silence to end in the route's
      // destination (with the default 10 s it hung up first, a race the machine's load decided).
      const result = await call(speechWav('acme-bank', 'Hi, this is Acme Bank, returning your call.'), {
        waitSeconds: 20,
      });
      assert.equal(result.destination, 'fallback', `timeline: ${JSON.stringify(result.timeline)}`);
    });
  });

  it('ends its recognition processes when Doorman stops', async () => {
    const pids = workers();
    await doorman.stop();
    await waitUntil('no recognition process is left', () => !pids.some(alive));
  });
});

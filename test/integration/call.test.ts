import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parseWav } from '../../src/audio/wav.js';
import { MEDIA_CHANNEL_PREFIX } from '../../src/calls/call-session.js';
import type { SimulatedCaller } from '../../src/telephony/simulated-caller.js';
import { startCaller, startTestDoorman, testConfig, waitUntil } from '../support/doorman.js';
import { speechSpanMs, speechWav } from '../support/speech.js';

describe('a live call through Doorman on the Asterisk sandbox', () => {
  const config = testConfig({
    routes: {
      default: { destination: 'desk' },
      '15550002000': { destination: 'voicemail' },
    },
  });
  let doorman: Awaited<ReturnType<typeof startTestDoorman>>;
  let caller: SimulatedCaller;
  const say = speechWav('margaret', 'Hello, I would like to speak to Margaret Thompson, please.');

  before(async () => {
    doorman = await startTestDoorman('call', config);
    caller = await startCaller('call', config);
  });
  after(async () => {
    await caller?.close();
    await doorman?.stop();
  });

  /** Nothing Doorman made for a call may outlive it. */
  async function assertNothingLeftBehind() {
    await waitUntil('Asterisk has no Doorman bridges or media channels', async () => {
      const [bridges, channels] = await Promise.all([
        caller.connection.listBridges(),
        caller.connection.listChannels(),
      ]);
      return (
        !bridges.some((b) => b.id.startsWith('doorman-')) &&
        !channels.some((c) => c.id.startsWith(MEDIA_CHANNEL_PREFIX))
      );
    });
  }

  it('hears the caller and continues the call to the route destination', async () => {
    const result = await caller.call({
      from: '+15551234567',
      name: 'ACME Corp',
      to: '15550001000',
      say,
      delaySeconds: 3,
      waitSeconds: 5,
      timeoutMs: 30_000,
    });
    assert.equal(result.ranStasis, true);
    assert.equal(result.destination, 'desk', `timeline: ${JSON.stringify(result.timeline)}`);

    const report = await doorman.report(result.channelId);
    assert.equal(report.outcome, 'routed');
    assert.equal(report.facts.callerNumber, '+15551234567');
    assert.equal(report.facts.callerName, 'ACME Corp');
    const answer = report.answer;
    assert.ok(answer, 'an answer was heard');
    assert.equal(answer.endpoint, 'speech');
    const spoken = speechSpanMs(say, config.listen);
    const ratio = answer.speechMs / spoken;
    assert.ok(
      Math.abs(1 - ratio) <= 0.15,
      `heard ${answer.speechMs} ms of speech, the caller said ${spoken} ms`,
    );
    assert.ok(
      answer.speechDbfs !== null && answer.speechDbfs > -35,
      `speech level ${answer.speechDbfs} dBFS`,
    );

    // The recorded answer holds the same audio: 16 kHz, and as long as the time Doorman listened.
    assert.ok(answer.recording && existsSync(answer.recording));
    const rec = parseWav(readFileSync(answer.recording));
    assert.equal(rec.sampleRate, 16_000);
    assert.ok(
      Math.abs(rec.samples.length / 16 - answer.audioMs) < 100,
      `recording ${rec.samples.length / 16} ms vs ${answer.audioMs} ms`,
    );
    await assertNothingLeftBehind();
  });

  it('routes by the number dialled', async () => {
    const result = await caller.call({
      from: '+15557654321',
      to: '15550002000',
      say,
      delaySeconds: 3,
      waitSeconds: 5,
      timeoutMs: 30_000,
    });
    assert.equal(result.destination, 'voicemail');
    const report = await doorman.report(result.channelId);
    assert.equal(report.facts.route, '15550002000');
  });

  it('routes a caller who says nothing once the no-speech timeout passes', async () => {
    const result = await caller.call({
      from: '+15550000001',
      to: '15550001000',
      delaySeconds: 0,
      waitSeconds: 15,
      timeoutMs: 30_000,
    });
    assert.equal(result.destination, 'desk');
    const report = await doorman.report(result.channelId);
    assert.equal(report.answer?.endpoint, 'silence');
    assert.equal(report.answer?.speechMs, 0);
  });

  for (const [phase, hangupAfterMs] of [
    ['mid-prompt', 1_000],
    ['mid-answer', 4_500],
  ] as const) {
    it(`leaves no bridge or media channel behind when the caller hangs up ${phase}`, async () => {
      const id = `sim-hup-${phase}-${Date.now()}`;
      const call = caller.call({
        id,
        from: '+15550000002',
        to: '15550001000',
        say,
        delaySeconds: 3,
        waitSeconds: 10,
        timeoutMs: 30_000,
      });
      await waitUntil('Doorman has the call', () => doorman.app.activeCalls === 1);
      await new Promise((r) => setTimeout(r, hangupAfterMs));
      await caller.hangup(`${id}-in`);
      const result = await call;
      assert.equal(result.destination, null);
      const report = await doorman.report(`${id}-in`);
      assert.equal(report.outcome, 'hung-up');
      await assertNothingLeftBehind();
    });
  }
});

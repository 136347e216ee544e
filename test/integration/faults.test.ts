import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  CONFIRMS_WITH_KEY,
  type SimulatedCaller,
  type SimulatedCallOptions,
} from '../../src/telephony/simulated-caller.js';
import { AriProxy } from '../support/ari-proxy.js';
import { ARTIFACTS, startCaller, startTestDoorman, testConfig, waitUntil } from '../support/doorman.js';
import { FaultyEngine } from '../support/faulty-engine.js';
import { speechWav } from '../support/speech.js';

/**
 * Faults injected into live calls on the real Asterisk: a speech engine that hangs or fails,
 * the media WebSocket cut mid-answer, malformed and unexpected ARI events, Asterisk restarted
 * with calls in progress. Doorman reaches Asterisk through a loopback proxy that injects the
 * event and socket faults; the caller dials Asterisk directly.
 */
describe('faults during live calls', () => {
  const proxy = new AriProxy();
  let engine: FaultyEngine | undefined;
  let doorman: Awaited<ReturnType<typeof startTestDoorman>>;
  let caller: SimulatedCaller;
  const alice = speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please.");

  before(async () => {
    const url = await proxy.start();
    const config = testConfig({
      'ari.url': url,
      'directory.file': 'test/fixtures/directory.yaml',
      'speech.finalTimeoutMs': 1_500,
      routes: {
        default: { unknown: 'voicemail', machine: 'machines' },
        '15550009000': { unknown: 'voicemail', onCheckFailure: 'blocked' },
      },
    });
    doorman = await startTestDoorman('faults', config, {
      wrapSpeechEngine: (real) => {
        engine = new FaultyEngine(real);
        return engine;
      },
    });
    caller = await startCaller('faults');
  });
  after(async () => {
    await caller?.close();
    await doorman?.stop();
    await proxy.close();
  });

  const call = (over: Partial<SimulatedCallOptions> = {}) =>
    caller.call({
      from: `+1555${String(Date.now()).slice(-7)}`,
      to: '15550001000',
      say: alice,
      delaySeconds: 3.2,
      waitSeconds: 15,
      timeoutMs: 40_000,
      ...CONFIRMS_WITH_KEY,
      ...over,
    });

  async function assertNothingLeftBehind() {
    await waitUntil(
      'no Doorman bridge, media channel or session is left',
      async () => {
        const [bridges, channels] = await Promise.all([
          caller.connection.listBridges(),
          caller.connection.listChannels(),
        ]);
        return (
          doorman.app.activeCalls === 0 &&
          !bridges.some((b) => b.id.startsWith('doorman-')) &&
          !channels.some((c) => c.id.startsWith('doorman-media-'))
        );
      },
      15_000,
    );
  }

  it('a stalled speech engine: the caller is routed on once the final-transcript deadline passes', async () => {
    (engine as FaultyEngine).fault = 'stall';
    try {
      const r = await call();
      assert.equal(r.destination, 'voicemail', "the route's unknown destination (fail-open)");
      const report = await doorman.report(r.channelId);
      const challenge = report.checks.find((c) => c.check === 'challenge');
      assert.equal(challenge?.result, 'timeout');
      assert.match(challenge?.detail ?? '', /final transcript did not finish within 1500 ms/);
      assert.match(report.verdict?.reason ?? '', /^challenge timeout \(fail-open\)/);
    } finally {
      (engine as FaultyEngine).fault = 'none';
    }
    await assertNothingLeftBehind();
  });

  it('a speech engine that fails, at the start or mid-stream: routed on at once', async () => {
    for (const fault of ['throw-on-open', 'throw-mid-stream'] as const) {
      (engine as FaultyEngine).fault = fault;
      try {
        const r = await call();
        assert.equal(r.destination, 'voicemail', fault);
        const challenge = (await doorman.report(r.channelId)).checks.find((c) => c.check === 'challenge');
        assert.equal(challenge?.result, 'error', fault);
        assert.match(challenge?.detail ?? '', /injected/);
      } finally {
        (engine as FaultyEngine).fault = 'none';
      }
    }
    await assertNothingLeftBehind();
  });

  it('a fail-closed route sends the caller to its blocked destination instead', async () => {
    (engine as FaultyEngine).fault = 'throw-on-open';
    try {
      const r = await call({ to: '15550009000' });
      assert.equal(r.destination, 'blocked');
      assert.match(
        (await doorman.report(r.channelId)).verdict?.reason ?? '',
        /challenge error \(fail-closed\)/,
      );
    } finally {
      (engine as FaultyEngine).fault = 'none';
    }
  });

  it('the media WebSocket cut while asking or mid-answer: routed on, nothing left behind', async () => {
    // The socket opens just before the 2.6 s question; the caller starts speaking 3.2 s into the call.
    for (const [afterMs, during] of [
      [1_000, /media WebSocket closed while asking/],
      [4_000, /media WebSocket closed while listening/],
    ] as const) {
      let dropped = 0;
      proxy.once('mediaOpen', () => {
        setTimeout(() => {
          dropped = proxy.dropMedia();
        }, afterMs);
      });
      const r = await call();
      assert.equal(dropped, 1, 'the media socket was cut');
      assert.equal(r.destination, 'voicemail', `cut ${afterMs} ms in`);
      const challenge = (await doorman.report(r.channelId)).checks.find((c) => c.check === 'challenge');
      assert.equal(challenge?.result, 'error');
      assert.match(challenge?.detail ?? '', during);
      await assertNothingLeftBehind();
    }
  });

  it('malformed and unexpected ARI events are ignored; calls keep flowing', async () => {
    const garbage: Array<string | object> = [
      'not json',
      '{"type":',
      '{}',
      'null',
      '[]',
      { type: 42 },
      { type: 'NoSuchEventInThisAsterisk', channel: { id: 'x' } },
      { type: 'StasisStart' },
      { type: 'StasisStart', channel: { id: 12345 }, args: 'not-a-list' },
      { type: 'StasisStart', channel: null, args: [] },
      { type: 'ChannelDtmfReceived', digit: '5', channel: { id: 'ghost-dtmf' } },
      { type: 'PlaybackFinished', playback: { id: 'nobody', target_uri: 'channel:ghost' } },
      { type: 'StasisEnd', channel: { id: 'never-started' } },
      { type: 'ChannelVarset', variable: 'DIALEDPEERNUMBER', value: null, channel: { id: 'ghost' } },
      `{"type":"Dial","peer":${'['.repeat(5000)}`,
      JSON.stringify({ type: 'ChannelUserevent', eventname: 'x'.repeat(500_000) }),
    ];
    for (const g of garbage) proxy.inject(g);
    // A StasisStart for a channel Asterisk does not have (hung up before Doorman saw it).
    proxy.inject({
      type: 'StasisStart',
      args: ['15550001000'],
      channel: {
        id: 'ghost-call',
        name: 'PJSIP/ghost',
        state: 'Ring',
        caller: { name: '<b>', number: '5550000' },
      },
    });
    const ghost = await doorman.report('ghost-call', 30_000);
    assert.notEqual(ghost.outcome, 'routed', 'nothing to route');
    const log = readFileSync(join(ARTIFACTS, 'faults.log'), 'utf8');
    assert.ok(
      !log.includes('handler of an ARI event failed'),
      'malformed events are refused before any handler',
    );
    assert.match(log, /ignoring an ARI event with malformed fields/);
    const r = await call();
    assert.equal(r.destination, 'desk', 'a real call after the garbage is screened as usual');
    await assertNothingLeftBehind();
  });

  it('Asterisk restarted with calls in progress: Doorman reconnects, ends those sessions, takes new calls, leaks nothing', async (t) => {
    // Their observer loses sight of them in the restart: they settle by their own timeout.
    for (let i = 0; i < 3; i++) call({ waitSeconds: 30, timeoutMs: 20_000 }).catch(() => {});
    await waitUntil('three calls in Doorman', () => doorman.app.activeCalls === 3, 15_000);
    await new Promise((r) => setTimeout(r, 3_500)); // mid-answer
    let reconnectedAt = 0;
    doorman.ari.once('connected', () => {
      reconnectedAt = performance.now();
    });
    await promisify(execFile)('scripts/asterisk.sh', ['restart']);
    const upAt = performance.now();
    await waitUntil('Doorman reconnected', () => reconnectedAt > 0, 10_000);
    const lagMs = Math.max(0, reconnectedAt - upAt);
    t.diagnostic(`reconnected ${Math.round(lagMs)} ms after Asterisk was back`);
    assert.ok(lagMs < 2_000, `reconnected ${Math.round(lagMs)} ms after ARI was up`);
    await waitUntil('the three sessions ended', () => doorman.app.activeCalls === 0, 10_000);
    // The observer lost its connection too; reconnect it before the next call.
    await caller.close();
    caller = await startCaller('faults-after-restart');
    const r = await call();
    assert.equal(r.destination, 'desk');
    await assertNothingLeftBehind();
  });
});

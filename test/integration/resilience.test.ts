import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CONFIRMS_WITH_KEY, type SimulatedCaller } from '../../src/telephony/simulated-caller.js';
import { startCaller, startTestDoorman, testConfig, waitUntil } from '../support/doorman.js';
import { spawnDoorman } from '../support/process.js';
import { speechWav } from '../support/speech.js';

const say = speechWav('margaret', 'Hello, I would like to speak to Margaret Thompson, please.');

describe('calls are never lost because Doorman is down', () => {
  const config = testConfig();
  let caller: SimulatedCaller;
  const dir = mkdtempSync(join(tmpdir(), 'doorman-rec-'));
  const env = {
    DOORMAN_RECORDINGS_DIR: dir,
    DOORMAN_STORE_URL: `sqlite:${join(dir, 'doorman.db')}`,
    DOORMAN_STORE_QUEUE_FILE: join(dir, 'queue.jsonl'),
    DOORMAN_CALLS_LEASE_SECONDS: '4',
  };

  before(async () => {
    caller = await startCaller('resilience', config);
  });
  after(async () => {
    await caller?.close();
  });

  const inStasis = (channelId: string) => async () =>
    (await caller.connection.getChannel(channelId).catch(() => null))?.dialplan?.app_name === 'Stasis';

  it('routes to the dialplan fallback at once when Doorman is not running', async () => {
    const result = await caller.call({
      from: '+15550000010',
      to: '15550001000',
      say,
      delaySeconds: 3,
      waitSeconds: 5,
      timeoutMs: 20_000,
    });
    assert.equal(result.ranStasis, true);
    assert.equal(result.destination, 'fallback');
    // Budget: with no app registered Stasis() returns at once; 2 s is far below the 12 s lease
    // that would mean the call waited for a Doorman that is not there.
    assert.ok(result.ms < 2_000, `reached the fallback after ${result.ms} ms`);
  });

  it('reaches the fallback within the lease when Doorman is killed mid-call, and the next start tidies up', async (t) => {
    const proc = spawnDoorman('resilience-killed', env);
    t.after(() => proc.kill());
    await proc.waitForLog(/ARI connected/);
    const id = `sim-kill-${Date.now()}`;
    const call = caller.call({
      id,
      from: '+15550000011',
      to: '15550001000',
      say,
      delaySeconds: 3,
      waitSeconds: 10,
      timeoutMs: 30_000,
    });
    await waitUntil('the call is in Stasis', inStasis(`${id}-in`));
    await proc.waitForLog(/"call entered Doorman"/);
    // Mid-answer: the bridge and media channel exist by now.
    await new Promise((r) => setTimeout(r, 4_000));
    const killedAt = performance.now();
    proc.child.kill('SIGKILL');
    await proc.exited;
    const result = await call;
    const afterKillMs = performance.now() - killedAt;
    // What the killed Doorman said about the call, should it have routed it before the kill.
    const itsLog = proc.lines.filter((l) => l.includes(`${id}-in`)).join('\n');
    assert.equal(result.destination, 'fallback', `${JSON.stringify(result.timeline)}\n${itsLog}`);
    assert.ok(
      // Budget: the 4 s lease, as last renewed before the kill (renewed every third of it), plus
      // 1.5 s for Asterisk's timeout check and the events reaching the test.
      afterKillMs < 4_000 + 1_500,
      `fallback ${Math.round(afterKillMs)} ms after the kill (lease 4 s)`,
    );
    t.diagnostic(`fallback reached ${Math.round(afterKillMs)} ms after SIGKILL (lease 4 s)`);

    // A new Doorman removes what the killed one left in Asterisk.
    const doorman = await startTestDoorman('resilience-restarted', config);
    try {
      await waitUntil(
        'no Doorman bridge is left',
        async () => !(await caller.connection.listBridges()).some((b) => b.id.startsWith('doorman-')),
      );
    } finally {
      await doorman.stop();
    }
  });

  it('hands calls in progress back to the dialplan at once when Doorman is stopped', async (t) => {
    const proc = spawnDoorman('resilience-stopped', env);
    t.after(() => proc.kill());
    await proc.waitForLog(/ARI connected/);
    const id = `sim-term-${Date.now()}`;
    const call = caller.call({
      id,
      from: '+15550000012',
      to: '15550001000',
      say,
      delaySeconds: 3,
      waitSeconds: 10,
      timeoutMs: 30_000,
    });
    await proc.waitForLog(/"call entered Doorman"/);
    await new Promise((r) => setTimeout(r, 1_000));
    const stoppedAt = performance.now();
    proc.child.kill('SIGTERM');
    const result = await call;
    assert.equal(result.destination, 'fallback');
    assert.ok(performance.now() - stoppedAt < 2_000);
    assert.equal(await proc.exited, 0);
  });
});

describe('Asterisk restarts', () => {
  it('Doorman reconnects and handles the next call', async (t) => {
    const config = testConfig();
    const doorman = await startTestDoorman('restart', config);
    try {
      let disconnectedAt = 0;
      let reconnectedAt = 0;
      doorman.ari.once('disconnected', () => {
        disconnectedAt = performance.now();
        doorman.ari.once('connected', () => {
          reconnectedAt = performance.now();
        });
      });
      // Asynchronously, so Doorman's event loop runs (and sees Asterisk go) during the restart.
      await promisify(execFile)('scripts/asterisk.sh', ['restart']);
      const upAt = performance.now();
      await waitUntil('Doorman reconnected', () => reconnectedAt > 0, 10_000);
      assert.ok(disconnectedAt > 0 && disconnectedAt < upAt, 'Doorman saw Asterisk go away');
      const lagMs = Math.max(0, reconnectedAt - upAt);
      assert.ok(lagMs < 2_000, `reconnected ${Math.round(lagMs)} ms after ARI was up`);
      t.diagnostic(
        `Asterisk down for ${Math.round(upAt - disconnectedAt)} ms; Doorman reconnected ${Math.round(reconnectedAt - disconnectedAt)} ms after losing it (${Math.round(lagMs)} ms after the restart script returned)`,
      );

      const caller = await startCaller('restart', config);
      try {
        const result = await caller.call({
          from: '+15550000020',
          to: '15550001000',
          say,
          delaySeconds: 3,
          waitSeconds: 5,
          timeoutMs: 30_000,
          ...CONFIRMS_WITH_KEY,
        });
        assert.equal(result.destination, 'desk');
        assert.equal((await doorman.report(result.channelId)).outcome, 'routed');
      } finally {
        await caller.close();
      }
    } finally {
      await doorman.stop();
    }
  });
});

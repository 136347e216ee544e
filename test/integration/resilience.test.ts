import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CONFIRMS_WITH_KEY, type SimulatedCaller } from '../../src/telephony/simulated-caller.js';
import { listCaller, startCaller, startTestDoorman, testConfig, waitUntil } from '../support/doorman.js';
import { spawnDoorman } from '../support/process.js';
import { speechWav } from '../support/speech.js';
import { ThrowawayPostgres } from '../support/throwaway-postgres.js';

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

describe('two Doormans for one Asterisk (ari.secondApp), sharing a PostgreSQL', () => {
  // A runs as its own process, to be killed; B in this one, whose reports say which calls it
  // screened. Both on one (throwaway) PostgreSQL, as two Doormans for one PBX would be.
  const pgServer = new ThrowawayPostgres(25_434);
  const X = '+15550000031';
  const Y = '+15550000032';
  const dir = mkdtempSync(join(tmpdir(), 'doorman-a-'));
  const envA = {
    DOORMAN_RECORDINGS_DIR: dir,
    DOORMAN_STORE_URL: pgServer.url,
    DOORMAN_STORE_QUEUE_FILE: join(dir, 'queue.jsonl'),
    DOORMAN_STORE_COPY_FILE: join(dir, 'copy.db'),
    DOORMAN_CALLS_LEASE_SECONDS: '4',
    DOORMAN_ARI_SECOND_APP: 'doorman-b',
  };
  // B asks nobody anything: a caller it takes over is routed by its lists at once.
  const configB = testConfig({
    'ari.app': 'doorman-b',
    'ari.secondApp': 'doorman',
    'calls.leaseSeconds': 4,
    'store.url': pgServer.url,
    routes: { default: { unknown: 'voicemail', checks: ['blocklist', 'allowlist'] } },
  });
  let caller: SimulatedCaller;
  let b: Awaited<ReturnType<typeof startTestDoorman>>;

  before(async () => {
    pgServer.start();
    b = await startTestDoorman('second-b', configB);
    await listCaller(b.store, X, 'allow', 'desk');
    caller = await startCaller('second', configB);
  });
  after(async () => {
    await caller?.close();
    await b?.stop();
    pgServer.stop();
  });

  const callX = () =>
    caller.call({ from: X, to: '15550001000', delaySeconds: 0, waitSeconds: 3, timeoutMs: 20_000 });
  const byB = (channelId: string) => b.reports.find((r) => r.facts.channelId === channelId);
  const noDoormanBridge = async () =>
    !(await caller.connection.listBridges()).some((br) => br.id.startsWith('doorman-'));

  it('takes the calls of one killed mid-call or while idle; nothing is left in Asterisk', async (t) => {
    const a = spawnDoorman('second-a', envA);
    t.after(() => a.kill());
    await a.waitForLog(/ARI connected/);
    const first = await callX();
    assert.equal(first.destination, 'desk');
    assert.equal(byB(first.channelId), undefined, 'with both up, the first screens');

    // Y is on no list: A asks the question, and is killed while the caller answers.
    const id = `sim-second-${Date.now()}`;
    const call = caller.call({
      id,
      from: Y,
      to: '15550001000',
      say,
      delaySeconds: 3,
      waitSeconds: 10,
      timeoutMs: 40_000,
    });
    await a.waitForLog(/"call entered Doorman"/);
    await new Promise((r) => setTimeout(r, 3_000));
    a.child.kill('SIGKILL');
    await a.exited;
    const dropped = await call;
    assert.equal(dropped.destination, 'voicemail', JSON.stringify(dropped.timeline));
    const taken = await b.report(`${id}-in`);
    assert.deepEqual(
      taken.checks.map((c) => [c.check, c.result]),
      [
        ['blocklist', 'next'],
        ['allowlist', 'next'],
      ],
      'screened again by the second, not let through unscreened',
    );

    const next = await callX();
    assert.equal(next.destination, 'desk');
    assert.equal(
      (await b.report(next.channelId)).verdict?.check,
      'allowlist',
      'the next call goes to the second at once',
    );

    // A starts again (and tidies up after its killed self), then is killed while idle.
    const again = spawnDoorman('second-a-again', envA);
    t.after(() => again.kill());
    await again.waitForLog(/ARI connected/);
    await waitUntil('the killed Doorman left nothing behind', noDoormanBridge);
    const back = await callX();
    assert.equal(byB(back.channelId), undefined, 'the first screens again once it is back');
    again.child.kill('SIGKILL');
    await again.exited;
    const idle = await callX();
    assert.equal((await b.report(idle.channelId)).verdict?.check, 'allowlist');
    assert.ok(await noDoormanBridge());
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

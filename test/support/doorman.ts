import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import type { CallReport } from '../../src/calls/call-report.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { type StartOptions, startDoorman } from '../../src/main.js';
import type { ListName } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';
import { SimulatedCaller, type SimulatedCallOptions } from '../../src/telephony/simulated-caller.js';

export const ARTIFACTS = join(process.cwd(), 'test-artifacts');

/** A logger writing to test-artifacts/<name>.log, so a failing run leaves its story behind. */
export function testLogger(name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return pino(
    { level: 'debug' },
    pino.destination({ dest: join(ARTIFACTS, `${name}.log`), sync: true, append: false }),
  );
}

export function testConfig(overrides: Record<string, unknown> = {}): Config {
  const recordings = mkdtempSync(join(tmpdir(), 'doorman-rec-'));
  // Only where the sandbox lives comes from the environment (scripts/asterisk.sh env); the rest
  // of a developer's DOORMAN_* settings must not change what the tests test.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k.startsWith('DOORMAN_SIMULATOR_')),
  );
  return loadConfig({
    env,
    overrides: {
      'recordings.dir': recordings,
      'store.url': `sqlite:${join(recordings, 'doorman.db')}`,
      'store.queueFile': join(recordings, 'queue.jsonl'),
      'store.copy.file': join(recordings, 'copy.db'),
      // Each Doorman's admin API on a port of its own: tests may run several at once.
      'web.port': 0,
      ...overrides,
    } as never,
  });
}

/** Doorman running in this process against the sandbox, with every finished call collected. */
export async function startTestDoorman(name: string, config = testConfig(), opts: StartOptions = {}) {
  const logger = testLogger(name);
  const doorman = await startDoorman(config, logger, opts);
  const reports: CallReport[] = [];
  const waiters: Array<{ id: string; resolve: (r: CallReport) => void }> = [];
  doorman.app.on('call', (r) => {
    reports.push(r);
    for (const w of waiters.filter((x) => x.id === r.facts.channelId)) w.resolve(r);
  });
  await doorman.connected;
  return {
    ...doorman,
    config,
    reports,
    /** The report of the call whose inbound channel is `channelId`, once it has left Doorman. */
    report(channelId: string, timeoutMs = 30_000): Promise<CallReport> {
      const done = reports.find((r) => r.facts.channelId === channelId);
      if (done) return Promise.resolve(done);
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`no report for ${channelId} in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          id: channelId,
          resolve: (r) => {
            clearTimeout(t);
            resolve(r);
          },
        });
      });
    },
    /** The call log's row of the call whose inbound channel is `channelId`, once it is written. */
    async logRow(channelId: string) {
      const find = async () => (await doorman.store.recentCalls(50)).find((c) => c.channel_id === channelId);
      await waitUntil('the call is in the log', async () => !!(await find()));
      return find();
    },
  };
}

export async function startCaller(name: string, config = testConfig()) {
  const caller = new SimulatedCaller(config, testLogger(`${name}-caller`));
  try {
    await caller.connect();
  } catch (e) {
    const state = await asteriskState();
    writeFileSync(join(ARTIFACTS, `${name}-asterisk-state.txt`), state);
    process.stderr.write(`[${name}] ${String(e)}; Asterisk's state:\n${state}\n`); // CI keeps only the output
    throw e;
  }
  return caller;
}

/**
 * What Asterisk and the sockets to it looked like, for a connection that failed: the event
 * socket's handshake has been seen to hang now and then while ARI's REST side still answered.
 */
async function asteriskState(): Promise<string> {
  const run = async (cmd: string, args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(cmd, args, { timeout: 10_000 });
      return stdout + stderr;
    } catch (e) {
      return String(e);
    }
  };
  const parts = [];
  for (const c of [
    'core show threads',
    'core show taskprocessors',
    'http show status',
    'ari show apps',
    'core show channels',
  ]) {
    parts.push(`## ${c}\n${await run('scripts/asterisk.sh', ['cli', c])}`);
  }
  parts.push(`## sockets on 8088\n${await run('ss', ['-tanp', 'sport = :8088 or dport = :8088'])}`);
  parts.push(`## messages.log\n${await run('scripts/asterisk.sh', ['logs', '200'])}`);
  return parts.join('\n\n');
}

export async function waitUntil(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Places calls to the sandbox, each from a number of its own (`+1<prefix><n>`): a caller who
 * passes is remembered, so no two calls may share one by chance. Each test file names its own
 * prefix, used by no other file.
 */
export function numberedCalls(caller: () => SimulatedCaller, prefix: string, first: number) {
  let next = first;
  return (say: string | undefined, extra: Partial<SimulatedCallOptions> = {}) =>
    caller().call({
      from: `+1${prefix}${next++}`,
      to: '15550001000',
      say,
      delaySeconds: 3,
      waitSeconds: 10,
      timeoutMs: 40_000,
      ...extra,
    });
}

/** Puts a number on a list by hand (source `manual`), as a test's set-up does. */
export function listCaller(store: Store, number: string, list: ListName, destination?: string) {
  return store.upsertCaller({
    number,
    rawNumber: number,
    list,
    source: 'manual',
    ...(destination ? { destination } : {}),
  });
}

/** The answer a call was decided on is its caller's second (the question asked again): its recording says so. */
export function assertSecondAnswer(report: CallReport, channelId: string): void {
  const recording = report.answer?.recording ?? '';
  assert.ok(
    recording.endsWith(`${channelId}-again1.wav`),
    `decided on "${recording}", not the second answer`,
  );
}

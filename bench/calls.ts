// Concurrent screened calls on the real Asterisk sandbox: for each N, N simulated callers
// (started 50 ms apart) each answer the question with a recorded sentence naming a directory
// entry; Doorman (in this process) screens them all. Prints, per N: calls routed right, the
// decision latency (end of the answer -> verdict) p50/p95, Stasis entry -> first prompt p50/p95,
// CPU (Doorman's process and Asterisk's) and memory per call. Writes bench/results/calls.md.
//
//   npx tsx bench/calls.ts [--levels 5,10,15,20,30] [--say FILE.wav --expect ENTRY]
//   (needs the sandbox: scripts/asterisk.sh start; eval "$(scripts/asterisk.sh env)")
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { CallReport } from '../src/calls/call-session.js';
import { loadConfig } from '../src/config/load.js';
import { startDoorman } from '../src/main.js';
import { SimulatedCaller } from '../src/telephony/simulated-caller.js';
import { machine, publish } from './report.js';

const { values } = parseArgs({
  options: { levels: { type: 'string' }, say: { type: 'string' }, expect: { type: 'string' } },
});
const levels = (values.levels ?? '5,10,15,20,30').split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'doorman-bench-calls-'));

function sentence(): string {
  if (values.say) return values.say;
  const raw = join(dir, 'raw.wav');
  const out = join(dir, 'alice.wav');
  execFileSync('flite', [
    '-voice',
    'rms',
    '-t',
    "Hello, I'd like to speak to Alice Johnson, please.",
    '-o',
    raw,
  ]);
  execFileSync('sox', [raw, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', out]);
  return out;
}
const say = sentence();
const expect = values.expect ?? 'alice-johnson';

const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => k.startsWith('DOORMAN_SIMULATOR_')),
);
const config = loadConfig({
  env,
  overrides: {
    'recordings.dir': join(dir, 'rec'),
    'store.url': `sqlite:${join(dir, 'doorman.db')}`,
    'store.queueFile': join(dir, 'queue.jsonl'),
    'directory.file': values.say
      ? (process.env.DOORMAN_DIRECTORY_FILE ?? 'grammars/directory.yaml')
      : 'test/fixtures/directory.yaml',
    'speech.poolSize': Math.max(...levels),
    'log.level': 'warn',
  } as never,
});
const logger = pino({ level: 'warn' }, pino.destination(2));
const doorman = await startDoorman(config, logger);
await doorman.connected;
const caller = new SimulatedCaller(config, logger);
await caller.connect();

const asteriskRoot = process.env.ASTERISK_ROOT ?? '/opt/doorman-asterisk';
const asteriskPid = Number(readFileSync(join(asteriskRoot, 'run', 'doorman-sandbox.pid'), 'utf8').trim());
const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
function asteriskTicks(): number {
  const f = readFileSync(`/proc/${asteriskPid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;

const rows: string[] = [];
let number = 3_000_000;
for (const n of levels) {
  const reports = new Map<string, CallReport>();
  const onCall = (r: CallReport) => reports.set(r.facts.channelId, r);
  doorman.app.on('call', onCall);
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let rssPeak = rss0;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 200);
  const cpu0 = process.cpuUsage();
  const ast0 = asteriskTicks();
  const t0 = performance.now();
  const calls = [];
  for (let i = 0; i < n; i++) {
    // Numbers never seen before, so every call is screened.
    calls.push(
      caller.call({
        from: `+1555${number++}`,
        to: '15550001000',
        say,
        delaySeconds: 3,
        waitSeconds: 2,
        timeoutMs: 60_000,
      }),
    );
    await new Promise((r) => setTimeout(r, 50));
  }
  const results = await Promise.all(calls);
  // A caller's call ends (destination reached) just before Doorman's report of it arrives.
  for (let k = 0; k < 100 && results.some((r) => !reports.has(r.channelId)); k++)
    await new Promise((r) => setTimeout(r, 100));
  const wall = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpu0);
  const astCpu = (asteriskTicks() - ast0) / hz;
  doorman.app.off('call', onCall);
  const got = results.map((r) => reports.get(r.channelId));
  const right = got.filter((r) => r?.answer?.entry === expect && r.outcome === 'routed').length;
  const decision = got.flatMap((r) => (r?.answer ? [r.answer.decisionMs] : []));
  const firstPrompt = got.flatMap((r) =>
    r?.timings.firstPromptMs !== undefined ? [r.timings.firstPromptMs] : [],
  );
  const doormanCpu = (cpu.user + cpu.system) / 1e6;
  rows.push(
    `| ${n} | ${right}/${n} | ${pct(decision, 0.5).toFixed(0)} / ${pct(decision, 0.95).toFixed(0)} ms | ${pct(firstPrompt, 0.5).toFixed(0)} / ${pct(firstPrompt, 0.95).toFixed(0)} ms | ${((100 * doormanCpu) / wall).toFixed(0)}% | ${((100 * astCpu) / wall).toFixed(0)}% | ${((rssPeak - rss0) / n / 1048576).toFixed(1)} MB | ${(rssPeak / 1048576).toFixed(0)} MB |`,
  );
  const outcomes: Record<string, number> = {};
  for (const r of got) {
    const k = `${r?.outcome ?? 'no report'}/${r?.answer?.outcome ?? '-'}/${r?.answer?.endpoint ?? '-'}`;
    outcomes[k] = (outcomes[k] ?? 0) + 1;
  }
  console.error(`N=${n}: ${right}/${n} right in ${wall.toFixed(1)} s ${JSON.stringify(outcomes)}`);
  await new Promise((r) => setTimeout(r, 1_500));
}
await caller.close();
await doorman.stop();

const text = [
  `Concurrent screened calls on the Asterisk sandbox (${new Date().toISOString().slice(0, 10)}, ${machine()}); CPU is % of one core over the round, Doorman's process includes the simulated callers' observer`,
  '',
  '| concurrent calls | routed right | decision after the answer p50 / p95 | Stasis -> first prompt p50 / p95 | Doorman CPU | Asterisk CPU | memory per call | Doorman RSS peak |',
  '|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
  'Targets: ≥ 30 concurrent screened calls; decision p95 ≤ 400 ms; first prompt p95 ≤ 150 ms; ≤ 30 MB per active call.',
  '',
].join('\n');
publish('calls', text);
process.exit(0);

// Soak on the real Asterisk sandbox: callers from a pool of numbers ring at a steady rate for
// a while; most are on the allow list (routed before answering), a share are new numbers that
// take the speech challenge. Counts errors, checks that nothing leaks (Asterisk bridges and
// channels, Doorman's sessions and timers) and samples memory; prints a table and writes the
// RSS curve as SVG. Defaults: a pool of 200 numbers at 20 calls/s for 5 minutes.
//
//   npx tsx bench/soak.ts [--seconds 300] [--rate 20] [--numbers 200] [--screened 0.05]
//   (needs the sandbox: scripts/asterisk.sh start; eval "$(scripts/asterisk.sh env)")
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CallReport } from '../src/calls/call-report.js';
import { SoundSwallowerEngine } from '../src/speech/soundswallower-engine.js';
import type { SimulatedCallResult } from '../src/telephony/simulated-caller.js';
import { CONFIRMS_WITH_KEY } from '../src/telephony/simulated-caller.js';
import { asteriskCpuSeconds, benchConfig, fliteSentence, startLive } from './live.js';
import { machine, percentile, publish, publishSummary } from './report.js';
import { lineChart, publishChart } from './svg.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '300' },
    rate: { type: 'string', default: '20' },
    numbers: { type: 'string', default: '200' },
    screened: { type: 'string', default: '0.05' },
  },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const poolSize = Number(values.numbers);
const screenedShare = Number(values.screened);
const dir = mkdtempSync(join(tmpdir(), 'doorman-soak-'));
const say = fliteSentence(dir, 'alice', "Hello, I'd like to speak to Alice Johnson, please.");
const config = benchConfig(dir, { 'directory.file': 'test/fixtures/directory.yaml' });
const { doorman, caller } = await startLive(config);
const asteriskCpu = asteriskCpuSeconds();

const pool = Array.from({ length: poolSize }, (_, i) => `+1555${String(7_000_000 + i)}`);
for (const number of pool)
  await doorman.store.upsertCaller({
    number,
    rawNumber: number,
    list: 'allow',
    source: 'manual',
    destination: 'desk',
  });

const timersOf = () =>
  process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate').length;
const reports = new Map<string, CallReport>();
doorman.app.on('call', (r) => reports.set(r.facts.channelId, r));
global.gc?.();
const timers0 = timersOf();
const heapMb = () => process.memoryUsage().heapUsed / 1048576;
const heap0 = heapMb();
// Recognition threads keep every decoder they make (~25 MB of WebAssembly memory each).
const decodersHeld = () => (doorman.speech instanceof SoundSwallowerEngine ? doorman.speech.decoders : 0);
const decoders0 = decodersHeld();
const rss: Array<[number, number]> = [];
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const ast0 = asteriskCpu();
let peakActive = 0;
const sampler = setInterval(() => {
  rss.push([(performance.now() - t0) / 1000, process.memoryUsage().rss / 1048576]);
  peakActive = Math.max(peakActive, doorman.app.activeCalls);
}, 1_000);

const calls: Array<Promise<{ screened: boolean; result: SimulatedCallResult | Error }>> = [];
let fresh = 8_000_000;
const total = Math.round(seconds * rate);
for (let i = 0; i < total; i++) {
  // Paced by the clock, not by sleeps adding up: call i starts at i/rate seconds.
  const due = t0 + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const screened = Math.random() < screenedShare;
  const from = screened ? `+1555${fresh++}` : (pool[i % poolSize] as string);
  calls.push(
    caller
      .call({
        from,
        to: '15550001000',
        ...(screened ? { say, delaySeconds: 3, ...CONFIRMS_WITH_KEY } : { delaySeconds: 0 }),
        waitSeconds: screened ? 5 : 2,
        timeoutMs: 60_000,
      })
      .then(
        (result) => ({ screened, result }),
        (e: Error) => ({ screened, result: e }),
      ),
  );
}
const outcomes = await Promise.all(calls);
const wall = (performance.now() - t0) / 1000;
for (let k = 0; k < 100 && reports.size < outcomes.length; k++) await new Promise((r) => setTimeout(r, 100));
clearInterval(sampler);
const cpu = process.cpuUsage(cpu0);
const astCpu = asteriskCpu() - ast0;

// Leaks: give hang-ups a moment to settle, then look on both sides.
await new Promise((r) => setTimeout(r, 3_000));
global.gc?.();
// The soak's own record of every call is part of that heap: its size as JSON, roughly.
const recordsMb = JSON.stringify([...reports.values()]).length / 1048576;
const heap1 = heapMb();
const decoders1 = decodersHeld();
const [bridges, channels] = await Promise.all([
  caller.connection.listBridges(),
  caller.connection.listChannels(),
]);
const leakedBridges = bridges.filter((b) => b.id.startsWith('doorman-')).length;
const leakedChannels = channels.filter((c) => c.id.startsWith('doorman-') || c.id.startsWith('sim-')).length;
const leakedTimers = timersOf() - timers0;

let wrong = 0;
let errors = 0;
let screenedRight = 0;
let screenedCalls = 0;
const routeMs: number[] = [];
for (const { screened, result } of outcomes) {
  if (result instanceof Error) {
    errors++;
    continue;
  }
  const report = reports.get(result.channelId);
  if (report?.outcome !== 'routed') errors++;
  if (result.destination !== 'desk') wrong++;
  if (screened) {
    screenedCalls++;
    if (report?.answer?.entry === 'alice-johnson') screenedRight++;
  } else if (report) routeMs.push(report.timings.totalMs);
}
const third = Math.max(1, Math.floor(rss.length / 3));
const avg = (xs: Array<[number, number]>) => xs.reduce((a, [, y]) => a + y, 0) / Math.max(1, xs.length);
const early = avg(rss.slice(third, 2 * third));
const late = avg(rss.slice(2 * third));
const driftPerMin = ((late - early) / Math.max(1, (rss.at(-1)?.[0] ?? 1) - (rss[third]?.[0] ?? 0))) * 60;

await caller.close();
await doorman.stop();

const text = [
  `Soak on the Asterisk sandbox (${new Date().toISOString().slice(0, 10)}, ${machine()}): ${outcomes.length} calls at ${rate}/s for ${seconds} s from a pool of ${poolSize} allowlisted numbers, ${(screenedShare * 100).toFixed(0)}% of calls from new numbers that take the speech challenge`,
  '',
  '| calls | errors | not routed to their destination | screened calls right | allowlisted: Stasis -> routed p50 / p99 | peak calls in Doorman | leaked bridges / channels / timers | RSS start -> peak -> end | RSS drift (second vs last third) | JS heap after GC, start -> end | decoders held, start -> end | Doorman CPU | Asterisk CPU |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  `| ${outcomes.length} | ${errors} | ${wrong} | ${screenedRight}/${screenedCalls} | ${percentile(routeMs, 0.5).toFixed(0)} / ${percentile(routeMs, 0.99).toFixed(0)} ms | ${peakActive} | ${leakedBridges} / ${leakedChannels} / ${leakedTimers} | ${rss[0]?.[1].toFixed(0)} -> ${Math.max(...rss.map((r) => r[1])).toFixed(0)} -> ${rss.at(-1)?.[1].toFixed(0)} MB | ${driftPerMin >= 0 ? '+' : ''}${driftPerMin.toFixed(1)} MB/min | ${heap0.toFixed(0)} -> ${heap1.toFixed(0)} MB | ${decoders0} -> ${decoders1} | ${((100 * (cpu.user + cpu.system)) / 1e6 / wall).toFixed(0)}% | ${((100 * astCpu) / wall).toFixed(0)}% |`,
  '',
  `Wall time ${wall.toFixed(0)} s; RSS curve: soak-rss.svg. CPU is % of one core; Doorman's process includes the simulated callers' observer, and its JS heap the soak's own record of every call (${recordsMb.toFixed(0)} MB as JSON). RSS also holds the recognition threads' WebAssembly memory, which the JS heap does not.`,
  '',
].join('\n');
publish('soak', text);
publishSummary('soak', [
  {
    metric: `soak: ${outcomes.length} calls at ${rate}/s for ${seconds} s, errors / misrouted`,
    value: `${errors} / ${wrong}`,
    target: '0 / 0',
    ok: errors === 0 && wrong === 0,
  },
  {
    metric: 'soak: leaked bridges / channels / timers',
    value: `${leakedBridges} / ${leakedChannels} / ${leakedTimers}`,
    target: '0 / 0 / 0',
    ok: leakedBridges === 0 && leakedChannels === 0 && leakedTimers <= 0,
  },
  { metric: 'soak: RSS drift (second vs last third)', value: `${driftPerMin.toFixed(1)} MB/min` },
]);
publishChart(
  'soak-rss.svg',
  lineChart({
    title: `Doorman RSS during the soak (${rate} calls/s)`,
    x: 'seconds',
    y: 'MB',
    series: [{ name: 'RSS', points: rss }],
  }),
);
process.exit(errors || wrong || leakedBridges || leakedChannels ? 1 : 0);

// Concurrent screened calls on the real Asterisk sandbox: for each N, N simulated callers
// (started 50 ms apart) each answer the question with a recorded sentence naming a directory
// entry; Doorman (in this process) screens them all. Prints, per N: calls routed right, the
// decision latency (end of the answer -> verdict) p50/p95, Stasis entry -> first prompt p50/p95,
// CPU (Doorman's process and Asterisk's) and memory per call. Writes bench/results/calls.md.
//
// Each build of the recogniser (speech.soundswallower.runtime: the WebAssembly one and, where
// Debian's library is installed, the native one) runs every level, one after the other.
//
//   npx tsx bench/calls.ts [--levels 5,10,15,20,30] [--builds wasm,native] [--say FILE.wav --expect ENTRY] [--set key=value]
//   (needs the sandbox: scripts/asterisk.sh start; eval "$(scripts/asterisk.sh env)")
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CallReport } from '../src/calls/call-report.js';
import { CONFIRMS_WITH_KEY } from '../src/telephony/simulated-caller.js';
import { asteriskCpuSeconds, benchConfig, fliteSentence, startLive } from './live.js';
import { cpuSecondsWithRecognition, recognitionProcessRss } from './recognition-processes.js';
import { machine, percentile, publish, publishSummary, settingOverrides } from './report.js';
import { lineChart, publishChart } from './svg.js';

const { values } = parseArgs({
  options: {
    levels: { type: 'string' },
    say: { type: 'string' },
    expect: { type: 'string' },
    set: { type: 'string', multiple: true },
    builds: { type: 'string', default: 'wasm,native' },
  },
});
const builds = values.builds.split(',') as Array<'wasm' | 'native'>;
const levels = (values.levels ?? '5,10,15,20,30').split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'doorman-bench-calls-'));

const say = values.say ?? fliteSentence(dir, 'alice', "Hello, I'd like to speak to Alice Johnson, please.");
const expect = values.expect ?? 'alice-johnson';
const asteriskCpu = asteriskCpuSeconds();
const pct = percentile;
interface Point {
  build: string;
  n: number;
  /** Confirmations the load called for (answers left without the phone loop's check). */
  byLoad: number;
  right: number;
  p50: number;
  p95: number;
  p99: number;
  firstPromptP95: number;
  mbPerCall: number;
}
const points: Point[] = [];

const rows: string[] = [];
let number = 3_000_000;
for (const build of builds) {
  const config = benchConfig(dir, {
    'directory.file': values.say
      ? (process.env.DOORMAN_DIRECTORY_FILE ?? 'grammars/directory.yaml')
      : 'test/fixtures/directory.yaml',
    'speech.soundswallower.runtime': build,
    ...settingOverrides(values.set),
  });
  const { doorman, caller } = await startLive(config);
  for (const n of levels) {
    const reports = new Map<string, CallReport>();
    const onCall = (r: CallReport) => reports.set(r.facts.channelId, r);
    doorman.app.on('call', onCall);
    global.gc?.();
    // Doorman's memory with its recognition processes' (the native runtime's).
    const rss = () => process.memoryUsage().rss + recognitionProcessRss(doorman.speech);
    const rss0 = rss();
    let rssPeak = rss0;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, rss());
    }, 200);
    const cpu0 = cpuSecondsWithRecognition(doorman.speech);
    const ast0 = asteriskCpu();
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
          ...CONFIRMS_WITH_KEY,
          waitSeconds: 4,
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
    const astCpu = asteriskCpu() - ast0;
    doorman.app.off('call', onCall);
    const got = results.map((r) => reports.get(r.channelId));
    const right = got.filter((r) => r?.answer?.entry === expect && r.outcome === 'routed').length;
    const decision = got.flatMap((r) => (r?.answer ? [r.answer.decisionMs] : []));
    const firstPrompt = got.flatMap((r) =>
      r?.timings.firstPromptMs !== undefined ? [r.timings.firstPromptMs] : [],
    );
    const doormanCpu = cpuSecondsWithRecognition(doorman.speech) - cpu0;
    // Answers a loaded recogniser decoded without its extras (RNNoise, the phone loop's fit).
    const answers = got.flatMap((r) => (r?.answer ? [r.answer] : []));
    const cleaned = answers.filter((a) => a.denoised).length;
    const fitted = answers.filter((a) => a.fit !== undefined).length;
    // Confirmations the load called for (the check shed: challenge.confirmUnchecked), and those
    // the answer itself did (a doubtful fit, names to choose from).
    const confirmed = got.filter((r) => r?.timings.choiceMs !== undefined);
    const byLoad = confirmed.filter((r) => r?.answer?.checked === false).length;
    const byAnswer = confirmed.length - byLoad;
    const lag = answers.flatMap((a) => (a.recognitionLagMs === undefined ? [] : [a.recognitionLagMs]));
    points.push({
      build,
      n,
      byLoad,
      right,
      mbPerCall: (rssPeak - rss0) / n / 1048576,
      p50: pct(decision, 0.5),
      p95: pct(decision, 0.95),
      p99: pct(decision, 0.99),
      firstPromptP95: pct(firstPrompt, 0.95),
    });
    rows.push(
      `| ${build} | ${n} | ${right}/${n} | ${pct(decision, 0.5).toFixed(0)} / ${pct(decision, 0.95).toFixed(0)} / ${pct(decision, 0.99).toFixed(0)} ms | ${cleaned} / ${fitted} | ${byLoad} / ${byAnswer} | ${pct(lag, 0.95).toFixed(0)} ms | ${pct(firstPrompt, 0.5).toFixed(0)} / ${pct(firstPrompt, 0.95).toFixed(0)} ms | ${((100 * doormanCpu) / wall).toFixed(0)}% | ${((100 * astCpu) / wall).toFixed(0)}% | ${((rssPeak - rss0) / n / 1048576).toFixed(1)} MB | ${(rssPeak / 1048576).toFixed(0)} MB |`,
    );
    const outcomes: Record<string, number> = {};
    for (const r of got) {
      const k = `${r?.outcome ?? 'no report'}/${r?.answer?.outcome ?? '-'}/${r?.answer?.endpoint ?? '-'}`;
      outcomes[k] = (outcomes[k] ?? 0) + 1;
    }
    console.error(`${build} N=${n}: ${right}/${n} right in ${wall.toFixed(1)} s ${JSON.stringify(outcomes)}`);
    await new Promise((r) => setTimeout(r, 1_500));
  }
  await caller.close();
  await doorman.stop();
}

const text = [
  `Concurrent screened calls on the Asterisk sandbox (${new Date().toISOString().slice(0, 10)}, ${machine()}); CPU is % of one core over the round, Doorman's process includes the simulated callers' observer`,
  '',
  '| build | concurrent calls | routed right | decision after the answer p50 / p95 / p99 | answers cleaned / with fit | confirmed by key: load / answer | recognition lag p95 | Stasis -> first prompt p50 / p95 | Doorman CPU | Asterisk CPU | memory per call | Doorman RSS peak |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
  'Targets: ≥ 30 concurrent screened calls; decision p95 ≤ 400 ms; first prompt p95 ≤ 150 ms; ≤ 30 MB per active call.',
  '',
].join('\n');
publish('calls', text);
// Held in real time: every call routed right, decisions within the latency target; fully
// checked besides: no caller asked to confirm because the load left an answer unchecked.
const ofBuild = (b: string) => points.filter((p) => p.build === b);
const held = (b: string) =>
  ofBuild(b)
    .filter((p) => p.right === p.n && p.p95 <= 400)
    .at(-1)?.n ?? 0;
const checked = (b: string) =>
  ofBuild(b)
    .filter((p) => p.right === p.n && p.p95 <= 400 && p.byLoad === 0)
    .at(-1)?.n ?? 0;
const top = ofBuild(builds[0] as string).at(-1);
publishSummary('calls', [
  ...builds.flatMap((b) => [
    {
      metric: `concurrent screened calls held in real time (all routed right, decision p95 ≤ 400 ms), ${b} build`,
      value: String(held(b)),
      target: '≥ 30',
      ok: held(b) >= 30,
    },
    {
      metric: `...of them every answer fully checked (no confirmation caused by load), ${b} build`,
      value: String(checked(b)),
      target: '≥ 30',
      ok: checked(b) >= 30,
    },
  ]),
  ...(top
    ? [
        {
          metric: `decision latency p50 / p95 / p99 at ${top.n} calls, ${top.build} build`,
          value: `${top.p50.toFixed(0)} / ${top.p95.toFixed(0)} / ${top.p99.toFixed(0)} ms`,
          target: 'p95 ≤ 400 ms',
          ok: top.p95 <= 400,
        },
        {
          metric: `Stasis -> first prompt p95 at ${top.n} calls`,
          value: `${top.firstPromptP95.toFixed(0)} ms`,
          target: '≤ 150 ms',
          ok: top.firstPromptP95 <= 150,
        },
        {
          metric: `memory per active call at ${top.n} calls`,
          value: `${top.mbPerCall.toFixed(1)} MB`,
          target: '≤ 30 MB',
          ok: top.mbPerCall <= 30,
        },
      ]
    : []),
]);
writeFileSync(
  join(process.env.BENCH_RESULTS_DIR ?? join('bench', 'results'), 'calls.json'),
  `${JSON.stringify(points, null, 2)}\n`,
);
publishChart(
  'calls-latency.svg',
  lineChart({
    title: 'Decision latency (end of answer -> verdict) against concurrent screened calls',
    x: 'concurrent screened calls',
    y: 'ms',
    series: builds.flatMap((b) => [
      { name: `p50, ${b}`, points: ofBuild(b).map((p) => [p.n, p.p50] as [number, number]) },
      { name: `p95, ${b}`, points: ofBuild(b).map((p) => [p.n, p.p95] as [number, number]) },
      {
        name: `first prompt p95, ${b}`,
        points: ofBuild(b).map((p) => [p.n, p.firstPromptP95] as [number, number]),
      },
    ]),
  }),
);
process.exit(0);

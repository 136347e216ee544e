// Every benchmark, one after the other, then one table of the headline figures against their
// targets, written with the machine's description and each benchmark's own tables to
// bench/RESULTS.md (charts beside them in bench/results/).
//
//   npm run bench                 (needs the sandbox and the databases, as the tests do)
//   npm run bench -- --quick      (small sizes: a minute, for trying the harness)
//   npm run bench -- --only accuracy[,human,calls...]   (reruns those; the others' last results stay)
//   npm run bench -- --compose    (reruns none: composes RESULTS.md from bench/results, as after
//                                  running one benchmark by hand with its own flags)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_CORPUS, HUMAN_VOICE, type SummaryRow } from './report.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    compose: { type: 'boolean', default: false },
  },
});
const only = values.only?.split(',').map((s) => s.trim());
const quick = values.quick;
// A quick run must not overwrite the published results.
const results =
  process.env.BENCH_RESULTS_DIR ??
  (quick ? mkdtempSync(join(tmpdir(), 'doorman-bench-')) : join('bench', 'results'));
// The recorded answers the speech benchmarks screen: DOORMAN_CORPUS, else ../shared/corpus.
const corpus = BENCH_CORPUS;
const corpusRun = existsSync(join(corpus, 'manifest.jsonl')) ? {} : { skip: `no corpus at ${corpus}` };

const runs: Array<{ name: string; args: string[]; skip?: string }> = [
  { name: 'lookup', args: quick ? ['--entries', '20000', '--lookups', '2000'] : [] },
  {
    name: 'accuracy',
    args: ['--corpus', corpus, ...(quick ? ['--limit', '20'] : [])],
    ...corpusRun,
  },
  {
    name: 'human',
    args: ['--corpus', corpus, ...(quick ? ['--limit', '20'] : [])],
    ...(existsSync(HUMAN_VOICE) ? corpusRun : { skip: `no ${HUMAN_VOICE}: run scripts/setup.sh` }),
  },
  {
    name: 'directory',
    args: ['--corpus', corpus, ...(quick ? ['--sizes', '40,250', '--every', '25'] : [])],
    ...corpusRun,
  },
  { name: 'calls', args: quick ? ['--levels', '2,5'] : [] },
  { name: 'announce', args: quick ? ['--levels', '1,3'] : [] },
  { name: 'soak', args: quick ? ['--seconds', '20', '--rate', '5'] : [] },
];

const unknown = only?.filter((name) => !runs.some((r) => r.name === name)) ?? [];
if (unknown.length) {
  console.error(
    `--only: no benchmark ${unknown.join(', ')} (there are ${runs.map((r) => r.name).join(', ')})`,
  );
  process.exit(2);
}

const failed: string[] = [];
for (const run of runs) {
  if (values.compose || (only && !only.includes(run.name))) continue;
  if (run.skip) {
    console.error(`bench/${run.name}: skipped (${run.skip})`);
    continue;
  }
  console.error(`bench/${run.name} ${run.args.join(' ')}`);
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', `bench/${run.name}.ts`, ...run.args],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, BENCH_RESULTS_DIR: results },
      timeout: 3_600_000,
    },
  );
  if (r.status !== 0) failed.push(run.name);
}

const summaries = runs.flatMap((run) => {
  const file = join(results, `${run.name}.summary.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SummaryRow[]) : [];
});
const table = [
  '| measure | measured | target | met |',
  '|---|---|---|---|',
  ...summaries.map(
    (s) =>
      `| ${s.metric} | ${s.value} | ${s.target ?? ''} | ${s.ok === undefined ? '' : s.ok ? 'yes' : '**no**'} |`,
  ),
].join('\n');

function asteriskVersion(): string {
  // Its first line names the installed version, running or not (it exits 1 when stopped); the
  // rest is the live state of the sandbox.
  const status = spawnSync('scripts/asterisk.sh', ['status'], { encoding: 'utf8', timeout: 10_000 });
  const first = status.stdout?.trim().split('\n')[0] ?? '';
  return first.startsWith('installed:') ? first : 'Asterisk sandbox not installed';
}
const cpu = cpus();
const machineText = `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${release()}, Node ${process.version}; ${asteriskVersion()}`;
const detail = runs
  .filter((r) => existsSync(join(results, `${r.name}.md`)))
  .map((r) => `## ${r.name}\n\n${readFileSync(join(results, `${r.name}.md`), 'utf8').trim()}\n`)
  .join('\n');
const doc = [
  '# Doorman benchmark results',
  '',
  `${only || values.compose ? 'Composed' : 'Measured'} ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC${quick ? ' (quick run: small sizes)' : ''} on ${machineText}${only ? `: ${only.join(', ')} measured then, the rest earlier (each section gives its date)` : values.compose ? ': from the results each benchmark left (each section gives its date)' : ''}.`,
  'Regenerate with `npm run bench` (README, Benchmarks).',
  '',
  table,
  '',
  'Charts: [decision latency against concurrency](results/calls-latency.svg), [memory during the soak](results/soak-rss.svg).',
  '',
  detail,
].join('\n');
const written = quick ? join(results, 'RESULTS.md') : join('bench', 'RESULTS.md');
writeFileSync(written, doc);
console.log(`\n${table}\n\n(written to ${written})`);
if (failed.length) {
  console.error(`benchmarks that reported a failure: ${failed.join(', ')}`);
  process.exitCode = 1;
}

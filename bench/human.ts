// Callers naming nobody, in a human voice: the sandbox's own recordings of Asterisk's English
// prompts (bench/human/make.py) taken as answers, screened by bench/accuracy against the
// corpus's directory. None asks for anyone, so each one put through or read names to is a
// caller naming nobody who beat the screen. A measure only: it has no named callers, so it
// cannot say what a stricter screen would cost, and nothing is chosen on it.
//
//   npx tsx bench/human.ts [--corpus DIR] [--limit N]
//   (needs the sandbox installed by scripts/setup.sh, not running)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BENCH_CORPUS,
  corpusLabel,
  HUMAN_VOICE,
  machine,
  pct,
  publish,
  publishSummary,
  reachesSomeone,
} from './report.js';

const { values } = parseArgs({
  options: { corpus: { type: 'string' }, limit: { type: 'string' } },
});
const corpus = values.corpus ?? BENCH_CORPUS;
if (!existsSync(HUMAN_VOICE)) {
  console.error(`bench/human: no ${HUMAN_VOICE}: run scripts/setup.sh first`);
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'doorman-human-'));
const set = join(work, 'human');

function run(what: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: 3_600_000 });
  if (r.status !== 0) {
    console.error(`bench/human: ${what} failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(1);
  }
}

run('making the set', 'python3', ['bench/human/make.py', join(corpus, 'directory.yaml'), set]);
const answers = join(work, 'answers.jsonl');
run(
  'screening it',
  process.execPath,
  [
    '--import',
    'tsx',
    'bench/accuracy.ts',
    '--corpus',
    set,
    '--files',
    answers,
    ...(values.limit ? ['--limit', values.limit] : []),
  ],
  // bench/accuracy's own tables for this set stay in the scratch folder.
  { ...process.env, BENCH_RESULTS_DIR: work },
);

interface Answer {
  kind: string;
  routed: string;
  evidence: { speechMs: number };
}
const rows: Answer[] = readFileSync(answers, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const line = (label: string, xs: Answer[]) => {
  const put = xs.filter((r) => r.routed !== 'ambiguous' && reachesSomeone(r.routed)).length;
  const offered = xs.filter((r) => r.routed === 'ambiguous').length;
  return `| ${label} | ${xs.length} | ${put} | ${offered} | ${pct(put + offered, xs.length)} |`;
};
const bands: Array<[string, number, number]> = [
  ['speech under 1 s', 0, 1_000],
  ['1-2 s', 1_000, 2_000],
  ['2-4 s', 2_000, 4_000],
  ['4-7 s', 4_000, 7_000],
  ['7 s or more', 7_000, Number.POSITIVE_INFINITY],
];
const kinds = [...new Set(rows.map((r) => r.kind))].sort();
const date = new Date().toISOString().slice(0, 10);
publish(
  'human',
  [
    `Asterisk's English prompts (one woman's voice) as callers naming nobody, against the directory of \`${corpusLabel(values.corpus, corpus)}\`; ${date}, ${machine()}.`,
    '',
    '| answers | screened | put through | offered names | naming nobody, reached a person or offered names |',
    '|---|---|---|---|---|',
    line('all', rows),
    ...bands.map(([label, from, to]) =>
      line(
        label,
        rows.filter((r) => r.evidence.speechMs >= from && r.evidence.speechMs < to),
      ),
    ),
    ...kinds.map((k) =>
      line(
        `${k === 'prompt' ? 'IVR prompts' : k}`,
        rows.filter((r) => r.kind === k),
      ),
    ),
    '',
  ].join('\n'),
);
const leaked = rows.filter((r) => reachesSomeone(r.routed)).length;
publishSummary('human', [
  {
    metric: `human voice naming nobody (${rows.length} Asterisk prompts), reached a person or offered names`,
    value: pct(leaked, rows.length),
    target: '≤ 5%',
    ok: leaked <= 0.05 * rows.length,
  },
]);

// How the speech challenge scales with the size of the directory: the corpus's directory padded
// with made-up people (common first names × common surnames, none of them a corpus name), the
// same recordings screened against each size. Recognition CPU grows with the grammar; this shows
// by how much, and what it does to names routed right when many more names compete.
//
//   npx tsx bench/directory.ts [--corpus DIR: DOORMAN_CORPUS, else ../shared/corpus] [--sizes 40,250,1000,2500] [--every N] [--builds wasm,native] [--set k=v] [--files OUT.jsonl]
//   (--every N screens every Nth recording of the manifest: 4 by default; each build of the
//   recogniser, speech.soundswallower.runtime, runs every size; --files writes each answer's
//   build, size, transcript, outcome and evidence)
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { screenFile } from '../src/challenge/screen-file.js';
import { createChallenge, loadDirectoryFile, loadPhrases } from '../src/challenge/setup.js';
import { loadConfig } from '../src/config/load.js';
import type { DirectoryEntry } from '../src/match/directory.js';
import { words } from '../src/match/normalize.js';
import { cpuSecondsWithRecognition } from './recognition-processes.js';
import {
  BENCH_CORPUS,
  decidedAs,
  evidenceJson,
  isEntry,
  machine,
  pct,
  percentile,
  publish,
  publishSummary,
  reachesSomeone,
  routedTo,
  settingOverrides,
} from './report.js';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string' },
    sizes: { type: 'string', default: '40,250,1000,2500' },
    every: { type: 'string', default: '4' },
    builds: { type: 'string', default: 'wasm,native' },
    set: { type: 'string', multiple: true },
    files: { type: 'string' },
  },
});
const builds = values.builds.split(',');
const corpus = values.corpus ?? BENCH_CORPUS;
const sizes = values.sizes.split(',').map(Number);
const every = Number(values.every);

// Common US surnames (census order), written as a directory would.
const SURNAMES =
  'Smith Johnson Williams Brown Jones Miller Davis Garcia Rodriguez Wilson Martinez Anderson Taylor Thomas Moore Martin Jackson White Lopez Clark Lewis Robinson Walker Perez Hall Young Allen Sanchez Wright King Scott Green Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Torres Parker Collins Edwards Stewart Flores Morris Rivera Cook Rogers Morgan Peterson Cooper Reed Bailey Bell Gomez Howard Ward Cox Diaz Richardson Wood Watson Brooks Bennett Gray Reyes Cruz Hughes Price Myers Long Foster Sanders Ross Morales Powell Sullivan Russell Ortiz Jenkins Gutierrez Perry Butler Barnes Fisher Henderson Coleman Simmons Patterson Jordan Reynolds Hamilton Graham Kim Ramos Wallace Griffin West Cole Hayes Chavez Gibson Bryant Ellis Stevens Ford Marshall Owens McDonald Harrison Ruiz Kennedy Wells Alvarez Woods Mendoza Castillo Olson Webb Washington Tucker Freeman Burns Henry Vasquez Snyder Simpson Crawford Jimenez Porter Mason Shaw Gordon Wagner Hunter Romero Hicks Dixon Hunt Palmer Robertson Black Holmes Stone Meyer Boyd Mills Warren Fox Rose Rice Schmidt Patel Ferguson Nichols Herrera Medina Ryan Fernandez Weaver Daniels Stephens Gardner Payne Dunn Pierce Arnold Spencer Peters Hawkins Grant Hansen Castro Hoffman Hart Elliott Cunningham Knight Bradley'.split(
    ' ',
  );

interface ManifestLine {
  file: string;
  expect: string;
  accept: string[];
  duration_s: number;
}

const configOf = (build: string) =>
  loadConfig({
    env: {},
    overrides: {
      'speech.finalTimeoutMs': 10_000,
      ...settingOverrides(values.set),
      'speech.soundswallower.runtime': build,
    },
  });
const phrases = loadPhrases(configOf('wasm'));
const base = loadDirectoryFile(join(corpus, 'directory.yaml'));
const manifest: ManifestLine[] = readFileSync(join(corpus, 'manifest.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l))
  .filter((_: unknown, i: number) => i % every === 0);

/** `n` made-up people beside the corpus's entries; none shares a first name or surname with them. */
function padded(n: number): DirectoryEntry[] {
  const taken = new Set(base.flatMap((e) => words(e.name)));
  const firsts = Object.keys(phrases.nicknames).filter((f) => !taken.has(f));
  const lasts = SURNAMES.filter((l) => !taken.has(l.toLowerCase()));
  const out = [...base];
  for (let i = 0; out.length < n && i < firsts.length * lasts.length; i++) {
    const first = firsts[i % firsts.length] as string;
    const last = lasts[Math.floor(i / firsts.length)] as string;
    out.push({
      id: `made-up-${i}`,
      type: 'person',
      name: `${first[0]?.toUpperCase()}${first.slice(1)} ${last}`,
      aliases: [],
      sounds_like: [],
      destination: 'desk',
      enabled: true,
    });
  }
  return out;
}

if (values.files) writeFileSync(values.files, '');
const names = manifest.filter((l) => isEntry(l.expect)).length;
const nobody = manifest.filter((l) => l.expect === 'nomatch').length;
const rows: string[] = [];
const cpuAt = new Map<string, number>();
for (const build of builds) {
  const config = configOf(build);
  for (const size of sizes) {
    const directory = padded(size);
    const t0 = performance.now();
    const challenge = await createChallenge(config, directory, pino({ level: 'warn' }, pino.destination(2)));
    // The first answer waits for the recognition threads to load the grammar: part of being ready.
    const first = manifest[0] as ManifestLine;
    await screenFile(challenge, join(corpus, first.file));
    const readyS = (performance.now() - t0) / 1000;
    const cpu0 = cpuSecondsWithRecognition(challenge.engine);
    let audioS = 0;
    let right = 0;
    let leaks = 0;
    let wrong = 0;
    const decisions: number[] = [];
    for (const line of manifest) {
      const r = await screenFile(challenge, join(corpus, line.file));
      audioS += line.duration_s;
      decisions.push(r.detail.decisionMs);
      const routed = routedTo(r.detail, line.accept);
      const got = decidedAs(r);
      if (isEntry(line.expect) && line.accept.includes(routed)) right++;
      if (line.expect === 'nomatch' && reachesSomeone(got)) leaks++;
      if (isEntry(got) && !line.accept.includes(got)) wrong++;
      if (values.files) {
        const { evidence } = r.detail;
        const answer = {
          build,
          size,
          ...line,
          got,
          routed,
          transcript: r.transcript,
          evidence: evidenceJson(evidence),
        };
        appendFileSync(values.files, `${JSON.stringify(answer)}\n`);
      }
    }
    const cpuPerAudio = (cpuSecondsWithRecognition(challenge.engine) - cpu0) / audioS;
    cpuAt.set(`${build} ${directory.length}`, cpuPerAudio);
    rows.push(
      `| ${build} | ${directory.length.toLocaleString('en-US')} | ${readyS.toFixed(1)} s | ${cpuPerAudio.toFixed(3)} | ${Math.floor(1 / cpuPerAudio)} | ${percentile(decisions, 0.5).toFixed(0)} / ${percentile(decisions, 0.95).toFixed(0)} ms | ${pct(right, names)} | ${wrong}/${manifest.length} | ${leaks}/${nobody} | ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB |`,
    );
    console.error(rows.at(-1));
    await challenge.engine.close();
  }
}

publish(
  'directory',
  [
    `Speech challenge against directories of growing size (${new Date().toISOString().slice(0, 10)}, ${machine()}): every ${every}th recording of \`${corpus}\` (${manifest.length}), its directory padded with made-up people${values.set?.length ? `, with ${values.set.join(', ')}` : ''}`,
    '',
    '| build | entries | ready (load + first answer) | CPU per second of audio | answers decoded at once in real time, per core | decision after end of audio p50 / p95 (files fed faster than real time) | names routed right | routed to a wrong entry | naming nobody, reached a person or offered names | RSS |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
const largest = Math.max(...sizes.map((n) => padded(n).length));
publishSummary(
  'directory',
  builds.map((b) => ({
    metric: `recognition CPU per second of audio, ${largest.toLocaleString('en-US')}-entry directory, ${b} build`,
    value: (cpuAt.get(`${b} ${largest}`) ?? 0).toFixed(3),
  })),
);

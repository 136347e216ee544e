import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { CHOICES_OFFERED, type Decision, type Evidence } from '../src/match/decide.js';

/** "2 × AMD EPYC, Node v20.20.2": the machine a table was measured on. */
export const machine = (): string =>
  `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;

/** The corpus the speech benchmarks screen unless given `--corpus`: DOORMAN_CORPUS, else ../shared/corpus. */
export const BENCH_CORPUS = process.env.DOORMAN_CORPUS ?? join(process.cwd(), '..', 'shared', 'corpus');
/** The corpus as a published table names it: as given on the command line, else relative to here. */
export const corpusLabel = (given: string | undefined, corpus: string): string =>
  given ?? relative(process.cwd(), corpus);

/** "15.4% (86/558)": a share with its counts; "n/a" of none. */
export const pct = (n: number, d: number): string =>
  d ? `${((100 * n) / d).toFixed(1)}% (${n}/${d})` : 'n/a';

/** bench/human's recordings: Asterisk's English prompts in the sandbox's root (scripts/asterisk.sh installs them). */
export const HUMAN_VOICE = join(
  process.env.ASTERISK_ROOT ?? '/opt/doorman-asterisk',
  'usr/share/asterisk/sounds/en_US_f_Allison',
);

/** Prints a benchmark's table and keeps it in bench/results/ (or BENCH_RESULTS_DIR). */
export function publish(name: string, text: string): void {
  console.log(text);
  const dir = process.env.BENCH_RESULTS_DIR ?? join('bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.md`), text);
}

/** The p-quantile (0..1) of a sample, nearest rank; 0 for no sample. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
}

export interface SummaryRow {
  metric: string;
  value: string;
  target?: string;
  /** Whether the value meets the target (absent: no target). */
  ok?: boolean;
}

/** A benchmark's headline figures, for bench/RESULTS.md's one table. */
export function publishSummary(name: string, rows: SummaryRow[]): void {
  const dir = process.env.BENCH_RESULTS_DIR ?? join('bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.summary.json`), `${JSON.stringify(rows, null, 2)}\n`);
}

/** `--set key=value` flags (values as JSON when they parse) as config overrides. */
export function settingOverrides(flags: string[] | undefined): Record<string, unknown> {
  return Object.fromEntries(
    (flags ?? []).map((kv) => {
      const [k, v = ''] = kv.split('=', 2) as [string, string];
      let value: unknown = v;
      try {
        value = JSON.parse(v);
      } catch {}
      return [k, value];
    }),
  );
}

/**
 * Where the call goes once the caller has answered: a match goes to its entry; an ambiguous
 * answer ends, live, with "Did you mean A? Press 1. Or B? Press 2.", so a caller whose entry
 * (one of `accept`) was offered presses its key, and one whose entry was not offered presses
 * nothing useful and is asked again (still "ambiguous" here). Other outcomes route nowhere named.
 */
export function routedTo(d: Decision, accept: readonly string[]): string {
  if (d.outcome === 'match') return d.entry as string;
  if (d.outcome !== 'ambiguous') return d.outcome;
  return d.contenders.slice(0, CHOICES_OFFERED).find((id) => accept.includes(id)) ?? 'ambiguous';
}

/** Where a decision sends the caller at once: its entry, or its outcome ("nomatch", "ambiguous", ...). */
export const decidedAs = (d: Pick<Decision, 'outcome' | 'entry'>): string =>
  d.outcome === 'match' ? (d.entry as string) : d.outcome;

/** A routed outcome ("ambiguous" asks the caller to choose; it routes nowhere by itself). */
export const isEntry = (x: string): boolean => !['machine', 'silence', 'nomatch', 'ambiguous'].includes(x);
/** A caller who named nobody fails the screen when put through to a person, or read names to press. */
export const reachesSomeone = (x: string): boolean => x === 'ambiguous' || isEntry(x);

/** An answer's evidence as JSON (`--files`), whole, for deciding the same answers again offline. */
export const evidenceJson = (e: Evidence): object => ({
  ...e,
  ...(e.soundsLike ? { soundsLike: Object.fromEntries(e.soundsLike) } : {}),
});

/** The evidence `evidenceJson` wrote, read back for `decide`. */
export function evidenceFromJson(json: Evidence & { soundsLike?: Record<string, number> }): Evidence {
  const { soundsLike, ...rest } = json;
  return soundsLike ? { ...rest, soundsLike: new Map(Object.entries(soundsLike)) } : rest;
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** "2 × AMD EPYC, Node v20.20.2": the machine a table was measured on. */
export const machine = (): string =>
  `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;

/** Prints a benchmark's table and keeps it in bench/results/ (or BENCH_RESULTS_DIR). */
export function publish(name: string, text: string): void {
  console.log(text);
  const dir = process.env.BENCH_RESULTS_DIR ?? join('bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.md`), text);
}

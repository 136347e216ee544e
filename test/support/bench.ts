import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs a benchmark briefly (the smoke tests: their code cannot rot), its results files in a
 * folder of its own; the table it prints, once it exited 0.
 */
export function smokeBench() {
  const out = mkdtempSync(join(tmpdir(), 'doorman-bench-'));
  const bench = (script: string, ...args: string[]): string => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...process.env, BENCH_RESULTS_DIR: out },
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    return r.stdout;
  };
  return { out, bench };
}

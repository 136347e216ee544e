import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

// The benchmarks are run by hand (npm run bench); here each runs briefly so their code cannot rot.
const out = mkdtempSync(join(tmpdir(), 'doorman-bench-'));
const corpus = join(process.cwd(), '..', 'shared', 'corpus');

function bench(script: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, BENCH_RESULTS_DIR: out },
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  return r.stdout;
}

describe('benchmarks (smoke runs)', () => {
  it('bench/lookup prints its table', () => {
    const table = bench('bench/lookup.ts', '--entries', '2000', '--lookups', '100');
    assert.match(table, /\| SQLite \(file, WAL\) \| 2,000 \|/);
    assert.match(table, /\| PostgreSQL \(loopback\) \| 2,000 \|/);
    assert.ok(existsSync(join(out, 'lookup.md')));
  });

  it('bench/calls places concurrent calls and prints its table', () => {
    const table = bench('bench/calls.ts', '--levels', '1,2');
    assert.match(table, /\| 2 \| 2\/2 \|/);
    assert.match(readFileSync(join(out, 'calls-latency.svg'), 'utf8'), /<path d="M/);
  });

  it('bench/soak rings steadily, checks for leaks and draws the memory curve', () => {
    const table = bench(
      'bench/soak.ts',
      '--seconds',
      '6',
      '--rate',
      '4',
      '--numbers',
      '5',
      '--screened',
      '0.2',
    );
    assert.match(table, /\| 24 \| 0 \| 0 \| \d+\/\d+ \|.*\| 0 \/ 0 \/ -?\d+ \|/);
    assert.match(readFileSync(join(out, 'soak-rss.svg'), 'utf8'), /^<svg /);
  });

  it('bench/accuracy scores a few corpus files', {
    skip: !existsSync(corpus) && 'no ../shared/corpus here',
  }, () => {
    const table = bench('bench/accuracy.ts', '--limit', '6');
    assert.match(table, /\| all \(6\) \| doorman \|/);
    assert.match(readFileSync(join(out, 'accuracy.md'), 'utf8'), /baseline/);
  });

  it('bench/directory screens against a padded directory', {
    skip: !existsSync(corpus) && 'no ../shared/corpus here',
  }, () => {
    const table = bench('bench/directory.ts', '--sizes', '40,100', '--every', '50');
    assert.match(table, /\| 40 \|.*\n\| 100 \|/);
  });
});

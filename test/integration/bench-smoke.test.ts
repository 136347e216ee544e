import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { smokeBench } from '../support/bench.js';

// The benchmarks are run by hand (npm run bench); here each runs briefly so their code cannot rot.
// These two place calls on the sandbox; test/unit/bench-smoke.test.ts has those that do not.
const { out, bench } = smokeBench();

describe('benchmarks that place calls (smoke runs)', () => {
  it('bench/calls places concurrent calls and prints its table', () => {
    const table = bench('bench/calls.ts', '--levels', '2');
    // Each build of the recogniser in turn.
    assert.match(table, /\| wasm \| 2 \| 2\/2 \|.*\n\| native \| 2 \| 2\/2 \|/);
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
});

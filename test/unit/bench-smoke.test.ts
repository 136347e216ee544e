import assert from 'node:assert/strict';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decidedAs, evidenceFromJson, HUMAN_VOICE } from '../../bench/report.js';
import { decide } from '../../src/match/decide.js';
import { smokeBench } from '../support/bench.js';

// The benchmarks are run by hand (npm run bench); here each runs briefly so their code cannot rot.
// These need no Asterisk; test/integration/bench-smoke.test.ts has those that place calls.
const { out, bench } = smokeBench();
const corpus = join(process.cwd(), '..', 'shared', 'corpus');

describe('benchmarks without calls (smoke runs)', () => {
  it('bench/lookup prints its table', () => {
    const table = bench('bench/lookup.ts', '--entries', '2000', '--lookups', '100');
    assert.match(table, /\| SQLite \(file, WAL\) \| 2,000 \|/);
    assert.match(table, /\| PostgreSQL \(loopback\) \| 2,000 \|/);
    assert.ok(existsSync(join(out, 'lookup.md')));
  });

  it('bench/accuracy scores a few corpus files', {
    skip: !existsSync(corpus) && 'no ../shared/corpus here',
  }, () => {
    const table = bench('bench/accuracy.ts', '--limit', '6');
    assert.match(table, /\| all \(6\) \| doorman \|/);
    assert.match(readFileSync(join(out, 'accuracy.md'), 'utf8'), /baseline/);
  });

  it("bench/accuracy keeps another corpus's results beside the benchmarks' corpus's", {
    skip: !existsSync(corpus) && 'no ../shared/corpus here',
  }, () => {
    bench('bench/accuracy.ts', '--limit', '2');
    const own = readFileSync(join(out, 'accuracy.md'), 'utf8');
    // The same recordings through a path of another name: another corpus, as far as its folder says.
    const other = join(out, 'elsewhere');
    symlinkSync(corpus, other);
    const table = bench('bench/accuracy.ts', '--limit', '3', '--corpus', other);
    assert.match(table, /\| all \(3\) \| doorman \|/);
    assert.match(readFileSync(join(out, 'accuracy-elsewhere.md'), 'utf8'), /\| all \(3\) \| doorman \|/);
    assert.equal(readFileSync(join(out, 'accuracy.md'), 'utf8'), own);
  });

  it('bench/human screens Asterisk prompts as callers naming nobody', {
    skip:
      (!existsSync(corpus) && 'no ../shared/corpus here') ||
      (!existsSync(HUMAN_VOICE) && `no ${HUMAN_VOICE} here`),
  }, () => {
    const table = bench('bench/human.ts', '--limit', '12');
    assert.match(table, /\| all \| 12 \| \d+ \| \d+ \| /);
    const [row] = JSON.parse(readFileSync(join(out, 'human.summary.json'), 'utf8'));
    assert.match(row.value, /\(\d+\/12\)$/);
    // bench/accuracy's own tables for the set are not among the published results.
    assert.ok(!existsSync(join(out, 'accuracy-human.md')));
  });

  it('bench/directory screens against a padded directory', {
    skip: !existsSync(corpus) && 'no ../shared/corpus here',
  }, () => {
    const files = join(out, 'directory.jsonl');
    const table = bench('bench/directory.ts', '--sizes', '40,100', '--every', '50', '--files', files);
    // Each build of the recogniser, every size.
    assert.match(table, /\| wasm \| 40 \|.*\n\| wasm \| 100 \|.*\n\| native \| 40 \|.*\n\| native \| 100 \|/);
    // Each answer's evidence, whole: decided again, it gives the outcome the run gave.
    const answers = readFileSync(files, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const recordings = readFileSync(join(corpus, 'manifest.jsonl'), 'utf8').trim().split('\n').length;
    assert.equal(answers.length, 4 * Math.ceil(recordings / 50));
    for (const a of answers) {
      const d = decide(evidenceFromJson(a.evidence));
      assert.equal(decidedAs(d), a.got, a.file);
    }
  });
});

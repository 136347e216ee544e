import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CATCH_UP,
  type ChunkLag,
  chunkLag,
  hasRoom,
  LAG_MEMORY_MS,
  LOOP_SHED_GAP_MS,
  LOOP_SHED_LAG,
  shedding,
} from '../../src/speech/lag.js';

/** Lags of `n` 20 ms chunks, chunk k sent at `sent(k)` and decoded from `decoded(k)`. */
function lags(
  n: number,
  sent: (k: number) => number,
  decoded: (k: number) => number,
  readyAt?: number,
): number[] {
  let prev: ChunkLag | undefined;
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    prev = chunkLag({
      sentAt: sent(k),
      now: decoded(k),
      chunkMs: 20,
      ...(readyAt === undefined ? {} : { readyAt }),
      ...(prev ? { prevDueAt: prev.dueAt } : {}),
    });
    out.push(prev.lagMs);
  }
  return out;
}

describe('a recognition thread behind its callers (the lag rule)', () => {
  it('counts no lag for live audio decoded as it arrives', () => {
    const l = lags(
      150,
      (k) => 1000 + 20 * k,
      (k) => 1005 + 20 * k,
    );
    assert.ok(Math.max(...l) <= 5, `max ${Math.max(...l)}`);
  });

  it('counts the wait of live audio decoded late', () => {
    const l = lags(
      150,
      (k) => 20 * k,
      (k) => 20 * k + 300,
    );
    assert.equal(l.at(-1), 300);
  });

  it('does not count a burst worked off faster than speech as lag', () => {
    // 3 s handed over at once (said over the question), decoded twice as fast as spoken.
    const l = lags(
      150,
      () => 0,
      (k) => 10 * k,
    );
    assert.ok(Math.max(...l) <= 0, `max ${Math.max(...l)}`);
  });

  it('counts a burst worked off no faster than speech as lag, growing with the backlog', () => {
    const l = lags(
      150,
      () => 0,
      (k) => 20 * k,
    );
    // The last chunk starts at 149 × 20 ms; at the catch-up pace it was due after 150 chunks.
    const expected = 149 * 20 - (150 * 20) / CATCH_UP;
    assert.ok(Math.abs((l.at(-1) as number) - expected) < 1e-6, `${l.at(-1)} vs ${expected}`);
    assert.ok((l.at(-1) as number) > 150, 'over the default budget: shed');
  });

  it('does not count the wait for a decoder (a model load) as lag', () => {
    const l = lags(
      50,
      (k) => 20 * k,
      (k) => 800 + 10 * k,
      800,
    );
    assert.ok(Math.max(...l) <= 0, `max ${Math.max(...l)}`);
  });

  it('lets a new answer start with its extras only well within the budget, or once the lag is old', () => {
    assert.equal(hasRoom({ ms: 70, at: 1000 }, 1000, 150), true);
    assert.equal(hasRoom({ ms: 80, at: 1000 }, 1000, 150), false);
    assert.equal(hasRoom({ ms: 800, at: 1000 }, 1000 + LAG_MEMORY_MS + 1, 150), true);
    assert.equal(hasRoom({ ms: 800, at: 1000 }, 1000, 0), true, 'budget 0: never sheds');
  });

  it('drops the other warps past half the budget, RNNoise past it, and the phone loop only past twice it', () => {
    assert.deepEqual(shedding(75, 150), { warps: false, denoise: false, loop: false });
    assert.deepEqual(shedding(76, 150), { warps: true, denoise: false, loop: false });
    assert.deepEqual(shedding(150, 150), { warps: true, denoise: false, loop: false });
    assert.deepEqual(shedding(151, 150), { warps: true, denoise: true, loop: false });
    assert.deepEqual(shedding(300, 150), { warps: true, denoise: true, loop: false });
    assert.deepEqual(shedding(LOOP_SHED_LAG * 150 + 1, 150), { warps: true, denoise: true, loop: true });
    assert.deepEqual(
      shedding(10_000, 0),
      { warps: false, denoise: false, loop: false },
      'budget 0: never sheds',
    );
  });

  it("drops one stream's phone loop at a time while the thread is far behind", () => {
    const far = LOOP_SHED_LAG * 150 + 1;
    assert.deepEqual(shedding(far, 150, LOOP_SHED_GAP_MS - 1), { warps: true, denoise: true, loop: false });
    assert.deepEqual(shedding(far, 150, LOOP_SHED_GAP_MS), { warps: true, denoise: true, loop: true });
  });
});

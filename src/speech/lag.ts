/**
 * How far a recognition thread is behind its callers, from the times live audio was sent and
 * decoded: the rule that decides when answers lose their extras (RNNoise, the phone loop) to
 * keep real time (`speech.soundswallower.shedLagMs`). Pure: times are passed in, so it is tested without a clock.
 */

/** How much faster than speech a thread must work off a backlog not to count as behind. */
export const CATCH_UP = 1.5;
/** A thread's last lag figure says nothing about now once it is older than this. */
export const LAG_MEMORY_MS = 1_000;

export interface LiveChunk {
  /** When the caller's side sent it (ms, the sender's clock). */
  sentAt: number;
  /** When the thread starts decoding it (same clock). */
  now: number;
  /** Its length, ms of audio. */
  chunkMs: number;
  /** When the stream got its decoder (a model load may keep the first chunks waiting). */
  readyAt?: number;
  /** When the stream's previous chunk was due (`ChunkLag.dueAt`). */
  prevDueAt?: number;
}

export interface ChunkLag {
  dueAt: number;
  /** How late its decoding starts; below 0: early. */
  lagMs: number;
}

/**
 * A chunk is due when it was sent, but no sooner than the chunk before it plus this one's length
 * worked through CATCH_UP times as fast as it was spoken, and not before the stream's decoder
 * was there. Audio that came at once (said over the question) or that waited for a decoder is
 * a backlog a thread that keeps up works off at that pace: counted as lag, it shed the extras
 * of exactly those answers on a busy machine (a caller who barged in, the first after a start).
 */
export function chunkLag(c: LiveChunk): ChunkLag {
  const dueAt = Math.max(c.sentAt, c.readyAt ?? 0, (c.prevDueAt ?? 0) + c.chunkMs / CATCH_UP);
  return { dueAt, lagMs: c.now - dueAt };
}

/**
 * Whether a new live answer may start with its extras: only while the thread is well within
 * its budget (half of it), so a thread near the line does not take on work it would shed
 * moments later; a lag figure older than LAG_MEMORY_MS no longer counts. Budget 0: always.
 */
export function hasRoom(behind: { ms: number; at: number }, now: number, budgetMs: number): boolean {
  if (!budgetMs) return true;
  return behind.ms <= budgetMs / 2 || now - behind.at > LAG_MEMORY_MS;
}

/** How many times the budget a stream must be behind to lose its other warps (`shedding`). */
export const WARP_SHED_LAG = 0.5;
/** How many times the budget a stream must be behind to lose its phone loop (`shedding`). */
export const LOOP_SHED_LAG = 2;
/** ...and how long after another stream of the thread lost its own. */
export const LOOP_SHED_GAP_MS = 600;

/**
 * What a stream this late gives up for the rest of its answer: past WARP_SHED_LAG times the
 * budget its other frequency warps (each costs as much as the answer's own search: the first
 * to go, the best so far kept), past the budget RNNoise, past
 * LOOP_SHED_LAG times the budget its phone loop too, but only one stream's loop per
 * LOOP_SHED_GAP_MS (`sinceLoopShedMs`: since the thread's last). Every stream of a thread that
 * falls behind is late at once; RNNoise is the cheaper loss (little on a clean line), and loops
 * dropped one at a time stop where the thread keeps up. Dropping everything at the first late
 * chunk had a burst of answers confirmed by key that two cores could have checked (bench/calls).
 * Budget 0: never.
 */
export function shedding(
  lagMs: number,
  budgetMs: number,
  sinceLoopShedMs = Number.POSITIVE_INFINITY,
): { warps: boolean; denoise: boolean; loop: boolean } {
  const late = budgetMs > 0 && lagMs > budgetMs;
  const far = late && lagMs > LOOP_SHED_LAG * budgetMs;
  return {
    warps: budgetMs > 0 && lagMs > WARP_SHED_LAG * budgetMs,
    denoise: late,
    loop: far && sinceLoopShedMs >= LOOP_SHED_GAP_MS,
  };
}

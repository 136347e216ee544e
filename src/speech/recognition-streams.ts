// The thread's streams, from 'open' to 'end': each one's audio decoded in order, and its extras
// (RNNoise, the phone loop) dropped while the thread is behind its callers (the rule: lag.ts).

import { defined } from '../util/defined.js';
import { chunkLag, hasRoom, shedding } from './lag.js';
import { acquire, release } from './recognition-pool.js';
import type { ToWorker } from './recognition-protocol.js';
import type { Decoding, Stream, WorkerState } from './recognition-state.js';
import { secondOpinion } from './second-opinion.js';

type Message<T extends ToWorker['t']> = Extract<ToWorker, { t: T }>;

/** Starts a stream with its extras, as the engine asks, while the thread has room for them. */
export function openStream(w: WorkerState, m: Message<'open'>): void {
  const { setup } = w;
  const grammar = w.grammars.get(m.grammar);
  if (!grammar) {
    w.send({ t: 'error', id: m.id, message: `no grammar ${m.grammar}` });
    return;
  }
  const room = !m.realTime || hasRoom(w.behind, Date.now(), setup.shedLagMs);
  const denoise = w.denoisers && m.denoise && room ? w.denoisers.open(setup.sampleRate) : undefined;
  const loop = m.loop && room;
  // An answer left unchecked is confirmed by its caller (challenge.confirmUnchecked), so a
  // slightly less accurate search costs little there, and it is where the load is.
  const busy = m.realTime && setup.phoneLoop && !loop && setup.busyMaxHmms > 0;
  const s: Stream = {
    work: Promise.resolve(),
    lastPartial: '',
    alts: [],
    heard: [],
    samples: 0,
    loop,
    grammar,
    ...(denoise ? { denoise } : {}),
    denoised: denoise !== undefined,
    realTime: m.realTime,
  };
  const maxHmms = busy ? Math.min(setup.busyMaxHmms, setup.maxHmms) : setup.maxHmms;
  const [first = 1, ...others] = setup.warps;
  const warps = m.warps && room ? others : [];
  s.work = Promise.all([first, ...warps].map((warp) => acquire(w, loop, grammar, maxHmms, warp))).then(
    ([d, ...alts]) => {
      s.d = d;
      s.alts = alts;
      s.readyAt = Date.now();
    },
  );
  w.streams.set(m.id, s);
  s.work.catch((e) => fail(w, m.id, s, e));
}

/** Queues `fn` behind the stream's earlier work (its decoder first); a stream whose work fails is dropped. */
export function step(w: WorkerState, id: number, fn: (s: Decoding) => void): void {
  const s = w.streams.get(id);
  if (!s) return;
  s.work = s.work
    .then(() => {
      if (s.d) fn(s as Decoding);
    })
    .catch((e) => fail(w, id, s, e));
}

function fail(w: WorkerState, id: number, s: Stream, e: unknown): void {
  s.denoise?.release();
  w.streams.delete(id);
  w.send({ t: 'error', id, message: String(e) });
}

/** Decodes a chunk of the stream's audio, and sends what it heard so far when that changed. */
export function hear(w: WorkerState, s: Decoding, m: Message<'audio'>): void {
  if (s.realTime) measureLag(w, s, m);
  decode(s, s.denoise ? s.denoise.process(m.pcm) : m.pcm);
  s.samples += m.pcm.length;
  const { warpChooseMs, sampleRate } = w.setup;
  if (warpChooseMs && s.alts.length && s.samples * 1000 >= warpChooseMs * sampleRate)
    keepBestWarp(w, s, true);
  const text = s.d.decoder.text();
  if (text !== s.lastPartial) {
    s.lastPartial = text;
    w.send({ t: 'partial', id: m.id, text });
  }
}

/** How late a live chunk is decoded, which is the thread's lag: past `shedLagMs`, the stream sheds. */
function measureLag(w: WorkerState, s: Decoding, m: Message<'audio'>): void {
  const now = Date.now();
  const { dueAt, lagMs } = chunkLag({
    sentAt: m.sentAt,
    now,
    chunkMs: (m.pcm.length * 1000) / w.setup.sampleRate,
    ...(s.readyAt === undefined ? {} : { readyAt: s.readyAt }),
    ...(s.dueAt === undefined ? {} : { prevDueAt: s.dueAt }),
  });
  s.dueAt = dueAt;
  s.lagMs = lagMs;
  w.behind.ms = lagMs;
  w.behind.at = now;
  const drop = shedding(lagMs, w.setup.shedLagMs, now - w.loopShedAt);
  if (drop.loop && s.loop) w.loopShedAt = now;
  if (drop.warps && s.alts.length) keepBestWarp(w, s, true);
  shed(s, drop);
}

/**
 * Keeps the warp whose grammar search scores the stream's audio best so far (all heard the same
 * frames, so their path scores compare) and gives the others back (stopping their searches if
 * `stop`; their phone loops always). The phone loop is the kept warp's: one that heard nothing
 * yet hears what the stream heard so far, so the fit is the one a single warp would give, at
 * the cost of one loop however many warps.
 */
function keepBestWarp(w: WorkerState, s: Decoding, stop: boolean): void {
  const all = [s.d, ...s.alts];
  const best = all.reduce((a, b) => (b.decoder.pathScore() > a.decoder.pathScore() ? b : a));
  for (const d of all) {
    if (d === best) continue;
    if (stop) d.decoder.stop();
    if (s.loop) d.loop?.stop();
    release(w, d);
  }
  if (s.loop && best !== s.d) for (const pcm of s.heard) best.loop?.process(pcm);
  s.heard = [];
  s.d = best;
  s.alts = [];
}

/** Drops a stream's extras for the rest of its answer: the thread is behind its callers. */
function shed(s: Decoding, drop: ReturnType<typeof shedding>): void {
  if (s.denoise && drop.denoise) {
    // What the cleaner still holds (its delay), so the decoders hear no gap.
    decode(s, s.denoise.finish());
    s.denoise.release();
    delete s.denoise;
    s.denoised = false;
  }
  if (s.loop && drop.loop) {
    for (const d of [s.d, ...s.alts]) d.loop?.stop();
    s.loop = false;
    s.heard = [];
  }
}

function decode(s: Decoding, pcm: Float32Array): void {
  if (!pcm.length) return;
  for (const d of [s.d, ...s.alts]) d.decoder.process(pcm);
  if (!s.loop) return;
  s.d.loop?.process(pcm);
  if (s.alts.length) s.heard.push(pcm);
}

/** Ends the stream: its final answer to the main thread, its decoder back to the pool. */
export function endStream(w: WorkerState, s: Decoding, id: number): void {
  if (s.denoise) {
    decode(s, s.denoise.finish());
    s.denoise.release();
  }
  for (const d of [s.d, ...s.alts]) d.decoder.stop();
  if (s.alts.length) keepBestWarp(w, s, false);
  if (s.loop) s.d.loop?.stop();
  // A grammar search that never reached a final state says nothing at the end, though
  // it heard words on the way (an answer cut short): keep what it heard.
  const heard = s.d.decoder.text();
  const text = heard || s.lastPartial;
  const loop = s.loop ? s.d.loop : undefined;
  const { fit, phones, loopPhones } =
    heard && loop ? secondOpinion(s.d.decoder, loop, s.grammar.phraseWords) : {};
  release(w, s.d);
  w.streams.delete(id);
  w.send({
    t: 'final',
    id,
    text,
    ...defined({
      fit,
      phones: phones?.length ? phones : undefined,
      loopPhones,
      checked: w.setup.phoneLoop ? s.loop : undefined,
      lagMs: s.lagMs,
      warp: w.setup.warps.length > 1 ? s.d.warp : undefined,
    }),
    denoised: s.denoised,
  });
}

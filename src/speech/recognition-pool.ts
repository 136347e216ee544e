// The worker's decoders: made (a model load each), a few ahead of the first answers, each given
// the grammar and search limit its stream asks for, and kept.
import type { Grammar, Pooled, WorkerState } from './recognition-state.js';

/** A decoder's search is made when its grammar is set, so the grammar and the search limit go together. */
const grammarKey = (g: Grammar, maxHmms: number) => `${g.key}/${maxHmms}`;

/** Each decoder made is one more the worker holds (they are kept): the main thread is told. */
function counted<T>(w: WorkerState, decoder: T): T {
  w.decoders++;
  w.send({ t: 'decoders', count: w.decoders });
  return decoder;
}

async function createPooled(w: WorkerState, withLoop: boolean, warp: number): Promise<Pooled> {
  const decoder = counted(w, await w.recognizer.grammarDecoder({ beam: w.setup.beam, warp }));
  const d: Pooled = { decoder, grammar: '', known: new Set(), warp };
  if (withLoop) d.loop = await createLoop(w, warp);
  return d;
}

/** Made only for streams that use it: under load, streams go without, and so does their model copy. */
async function createLoop(w: WorkerState, warp: number) {
  return counted(w, await w.recognizer.phoneLoop({ warp }));
}

/**
 * Loading a decoder's model takes a while (two per stream with the phone loop): `poolSize` are
 * made ready as soon as the thread has a grammar, so the first answers of a burst do not wait
 * for them (a thread making decoders while answers arrive falls behind all its callers). The
 * first `poolLoops` come with their phone loop; the engine gives no more answers one at once.
 */
export function warmUp(w: WorkerState): void {
  if (w.made >= w.setup.poolSize || w.warming) return;
  w.warming = createPooled(w, w.setup.phoneLoop && w.made < w.setup.poolLoops, w.setup.warps[0] ?? 1)
    .then((d) => {
      w.made++;
      w.idle.push(d);
    })
    .catch(() => {})
    .finally(() => {
      w.warming = null;
      warmUp(w);
    });
}

/** A decoder for a stream, started: searching `grammar` with `maxHmms` through `warp`, and with a phone loop if `useLoop`. */
export async function acquire(
  w: WorkerState,
  useLoop: boolean,
  grammar: Grammar,
  maxHmms: number,
  warp: number,
): Promise<Pooled> {
  const { idle } = w;
  const warped = () => idle.flatMap((x, i) => (x.warp === warp ? [i] : []));
  if (!warped().length && w.warming && warp === w.setup.warps[0]) await w.warming;
  const withLoop = useLoop && w.setup.phoneLoop;
  const key = grammarKey(grammar, maxHmms);
  // One that already has a loop if this stream needs it (then any, then a new one), and among
  // those one that already searches this grammar this way (setting a large grammar takes a while).
  const mine = warped();
  const fits = mine.filter((i) => !withLoop || idle[i]?.loop);
  const at = fits.find((i) => idle[i]?.grammar === key) ?? fits.at(-1) ?? mine.at(-1) ?? -1;
  const d = (at >= 0 ? idle.splice(at, 1)[0] : undefined) ?? (await createPooled(w, withLoop, warp));
  if (withLoop && !d.loop) d.loop = await createLoop(w, warp);
  if (d.grammar !== key) {
    // Words of earlier grammars stay; only the new ones are added.
    const missing = grammar.words.filter(([word]) => !d.known.has(word));
    d.decoder.addWords(missing);
    for (const [word] of missing) d.known.add(word);
    d.decoder.setGrammar(grammar.jsgf, maxHmms);
    d.grammar = key;
  }
  d.decoder.start();
  if (withLoop) d.loop?.start();
  return d;
}

/**
 * Decoders are kept, never freed: a thread's WebAssembly memory cannot shrink, and freeing a
 * soundswallower decoder does not even give all of its memory back to the module's allocator
 * (a soak that freed decoders above a pool size grew ~30 MB a minute). Kept, the thread holds as
 * many as it ever decoded at once, and its memory stays flat after that peak. Native decoders
 * are kept the same way, so both builds follow one rule.
 */
export function release(w: WorkerState, d: Pooled): void {
  w.idle.push(d);
}

// One recognition thread: a pool of soundswallower decoders decoding the audio of the streams
// the main thread assigns to it. Decoding is synchronous WebAssembly work; kept off the main
// thread so ARI events, media sockets and lease renewals never wait for it.
import { parentPort, workerData } from 'node:worker_threads';
import createModule, { type Decoder, type Segment } from 'soundswallower';
import { Denoisers, type DenoiseStream } from '../audio/denoiser.js';
import { chunkLag, hasRoom } from './lag.js';

export interface WorkerSetup {
  modelDir: string;
  dict: string;
  sampleRate: number;
  beam: number;
  /** Decoders made ready as soon as the thread has a grammar. */
  poolSize: number;
  /** Also decode every answer with a free loop of phones, for the acoustic fit (see `fit`). */
  phoneLoop: boolean;
  /** Clean the audio with RNNoise before both decoders hear it. */
  denoise: boolean;
  /** Drop the extras (phone loop, RNNoise) of live streams while this far behind, ms; 0: never. */
  shedLagMs: number;
  /**
   * Live streams that start without the phone loop (under load) search at most this many HMMs
   * per frame (PocketSphinx's `maxhmmpf`, which narrows the beam frame by frame past it); 0: as
   * widely as the others.
   */
  busyMaxHmms: number;
}

export type ToWorker =
  | {
      t: 'grammar';
      /** Streams ask for a grammar by name: the directory's, or a question's. */
      name: string;
      version: number;
      jsgf: string;
      /** Every word of the grammar with its pronunciation (decoders start with no dictionary). */
      words: Array<[string, string]>;
      /** Words said around names (carriers, greetings, closers, fillers). */
      phraseWords: string[];
    }
  /**
   * `loop`: also decode this stream with the phone loop; `denoise`: clean its audio first (if
   * the thread denoises at all). The engine turns both off under load, and so does the thread
   * while it is behind the audio of `realTime` streams.
   */
  | { t: 'open'; id: number; loop: boolean; denoise: boolean; grammar: string; realTime: boolean }
  /** `sentAt`: the sender's clock (`Date.now()`) when the chunk left, for the thread's lag. */
  | { t: 'audio'; id: number; pcm: Float32Array; sentAt: number }
  | { t: 'end'; id: number };

export type FromWorker =
  /** How many decoders (grammar searches and phone loops) the thread holds: they are kept. */
  | { t: 'decoders'; count: number }
  | { t: 'partial'; id: number; text: string }
  | {
      t: 'final';
      id: number;
      text: string;
      fit?: number;
      phones?: string[];
      /** Whether the phone loop heard the answer; absent when the engine has it turned off. */
      checked?: boolean;
      denoised: boolean;
      /** Real-time streams: how long the last chunk waited to be decoded, ms. */
      lagMs?: number;
    }
  | { t: 'error'; id: number; message: string };

interface Pooled {
  decoder: Decoder;
  /** The same audio through a free loop of context-independent phones. */
  loop?: Decoder;
  /** The grammar it searches (name and version) and how: `grammarKey`. */
  grammar: string;
  /** Words this decoder has been given (a word cannot be added twice). */
  known: Set<string>;
}

/** The model's speech phones; the loop's words are these one-phone "words". */
const PHONES =
  'AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH'.split(
    ' ',
  );
const loopWord = (p: string) => `ph_${p.toLowerCase()}`;
const LOOP_JSGF = `#JSGF V1.0;\ngrammar phones;\npublic <phones> = (${PHONES.map(loopWord).join(' | ')})+;\n`;

const setup = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error('soundswallower-worker runs as a worker thread');
const module = await createModule();
const denoisers = setup.denoise ? await Denoisers.load() : undefined;
const idle: Pooled[] = [];
interface Grammar {
  key: string;
  jsgf: string;
  words: Array<[string, string]>;
  phraseWords: Set<string>;
}
const grammars = new Map<string, Grammar>();

/** PocketSphinx's own limit on HMMs searched per frame: in effect none, for this model's grammars. */
const FULL_SEARCH_HMMS = 30_000;
/** A decoder's search is made when its grammar is set, so the grammar and the search limit go together. */
const grammarKey = (g: Grammar, maxHmms: number) => `${g.key}/${maxHmms}`;
interface Stream {
  work: Promise<void>;
  d?: Pooled;
  lastPartial: string;
  loop: boolean;
  grammar: Grammar;
  /** What both decoders hear is this stream's audio after it. */
  denoise?: DenoiseStream;
  /** Cleaned from its first chunk and still so (not shed). */
  denoised: boolean;
  /** Audio arrives on the caller's clock, so its waiting time is the thread's lag. */
  realTime: boolean;
  lagMs?: number;
  /** When it got its decoder (`Date.now()`). */
  readyAt?: number;
  /** When the last chunk was due at the pace of speech (see 'audio'). */
  dueAt?: number;
}
/** Per stream: the work so far (in order), the decoder once it has one, the last partial sent. */
const streams = new Map<number, Stream>();

let decoders = 0;
function counted(): void {
  decoders++;
  port?.postMessage({ t: 'decoders', count: decoders } satisfies FromWorker);
}

async function createPooled(withLoop: boolean): Promise<Pooled> {
  const decoder = new module.Decoder({
    hmm: setup.modelDir,
    dict: setup.dict,
    samprate: setup.sampleRate,
    loglevel: 'FATAL',
    // Wider than PocketSphinx's defaults (1e-48): on telephone audio this keeps the right
    // name alive more often, for about 40% more CPU (bench/accuracy.ts).
    beam: setup.beam,
    pbeam: setup.beam,
    wbeam: setup.beam * 1e20,
  });
  await decoder.initialize();
  counted();
  const d: Pooled = { decoder, grammar: '', known: new Set() };
  if (withLoop) d.loop = await createLoop();
  return d;
}

/** Made only for streams that use it: under load, streams go without, and so does their model copy. */
async function createLoop(): Promise<Decoder> {
  // Context-independent phones only (all of them active every frame): it adds about a third
  // to a half of the grammar search's CPU.
  const loop = new module.Decoder({
    hmm: setup.modelDir,
    dict: setup.dict,
    samprate: setup.sampleRate,
    loglevel: 'FATAL',
    cionly: true,
    beam: 1e-60,
    pbeam: 1e-60,
    wbeam: 1e-40,
  });
  await loop.initialize();
  counted();
  loop.add_words(...PHONES.map((p) => [loopWord(p), p] as [string, string]));
  loop.set_grammar(LOOP_JSGF);
  return loop;
}

/**
 * Loading a decoder's model takes a while (two per stream with the phone loop): `poolSize` are
 * made ready as soon as the thread has a grammar, so the first answers do not wait for them.
 */
let warming: Promise<void> | null = null;
let made = 0;
function warmUp(): void {
  if (made >= setup.poolSize || warming) return;
  warming = createPooled(setup.phoneLoop)
    .then((d) => {
      made++;
      idle.push(d);
    })
    .catch(() => {})
    .finally(() => {
      warming = null;
      warmUp();
    });
}

async function acquire(useLoop: boolean, grammar: Grammar, maxHmms: number): Promise<Pooled> {
  if (!idle.length && warming) await warming;
  const withLoop = useLoop && setup.phoneLoop;
  const key = grammarKey(grammar, maxHmms);
  // One that already has a loop if this stream needs it (then any, then a new one), and among
  // those one that already searches this grammar this way (setting a large grammar takes a while).
  const fits = idle.flatMap((x, i) => (!withLoop || x.loop ? [i] : []));
  const at = fits.find((i) => idle[i]?.grammar === key) ?? fits.at(-1) ?? -1;
  const d = (at >= 0 ? idle.splice(at, 1)[0] : idle.pop()) ?? (await createPooled(withLoop));
  if (withLoop && !d.loop) d.loop = await createLoop();
  if (d.grammar !== key) {
    // Words of earlier grammars stay; only the new ones are added.
    const missing = grammar.words.filter(([w]) => !d.known.has(w));
    if (missing.length) d.decoder.add_words(...missing);
    for (const [w] of missing) d.known.add(w);
    d.decoder.set_config('maxhmmpf', maxHmms);
    d.decoder.set_grammar(grammar.jsgf);
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
 * many as it ever decoded at once, and its memory stays flat after that peak.
 */
function release(d: Pooled): void {
  idle.push(d);
}

/** The best path's total score (log base 1.0001) of a decoder that has stopped. */
function pathScore(decoder: Decoder): number {
  // soundswallower's JS API does not expose it; its C function takes an out-pointer.
  const m = module as unknown as {
    _malloc(n: number): number;
    _free(p: number): void;
    _decoder_hyp(d: number, out: number): number;
    HEAP32: Int32Array;
  };
  const out = m._malloc(4);
  try {
    m._decoder_hyp((decoder as unknown as { cdecoder: number }).cdecoder, out);
    return m.HEAP32[out >> 2] as number;
  } finally {
    m._free(out);
  }
}

/**
 * How well the grammar's answer explains the speech compared with the best free sequence of
 * phones: their score difference per frame of the name's words (all words when it names
 * nobody; silence and noise never count). Near 0 the grammar's name fits as well as anything
 * could; far below, the grammar forced a name onto sounds that were something else (a name
 * not in the directory, a garbled answer). Carrier phrases fit well or badly alike, so the
 * difference is spread over the name, not over the whole answer.
 */
function acousticFit(
  decoder: Decoder,
  loop: Decoder,
  aligned: Segment[],
  phraseWords: Set<string>,
): number | undefined {
  let words = 0;
  let names = 0;
  for (const w of aligned) {
    // "(NULL)" segments (the grammar's empty transitions) do take frames and count as the
    // name's: challenge.minAcousticFit was chosen so. Leaving them out (as phonesOfName does)
    // moved the dev corpus to names 145 -> 140, wrong routes 6 -> 4, nomatch caught 12 -> 16.
    if (w.t.startsWith('<') || w.t.startsWith('[')) continue;
    const frames = Math.round(w.d * 100);
    words += frames;
    if (!phraseWords.has(w.t.replace(/\(\d+\)$/, ''))) names += frames;
  }
  if (!words) return undefined;
  return (pathScore(decoder) - pathScore(loop)) / (names || words);
}

/**
 * What the free phone loop heard while the grammar heard the name (the name's words, not the
 * phrases around it): a second opinion on which name was said that no grammar forced.
 */
function phonesOfName(loop: Decoder, aligned: Segment[], phraseWords: Set<string>): string[] | undefined {
  const name = aligned.filter(
    // "(NULL)": the grammar's empty transitions; "<sil>", "[noise]": not words.
    (w) => !/^[(<[]/.test(w.t) && !phraseWords.has(w.t.replace(/\(\d+\)$/, '')),
  );
  if (!name.length) return undefined;
  const from = Math.min(...name.map((w) => w.b));
  const to = Math.max(...name.map((w) => w.b + w.d));
  try {
    return (loop.get_alignment().w ?? [])
      .filter((w) => w.t.startsWith('ph_') && w.b + w.d / 2 >= from && w.b + w.d / 2 <= to)
      .map((w) => w.t.slice(3).toUpperCase());
  } catch {
    return undefined; // the loop aligned nothing
  }
}

/** The grammar search's words with their times, once per answer; undefined when it recognised nothing. */
function alignedWords(decoder: Decoder): Segment[] | undefined {
  try {
    return decoder.get_alignment().w ?? [];
  } catch {
    return undefined;
  }
}

function decode(s: Stream & { d: Pooled }, pcm: Float32Array): void {
  if (!pcm.length) return;
  s.d.decoder.process_audio(pcm, false, false);
  if (s.loop) s.d.loop?.process_audio(pcm, false, false);
}

/**
 * How far behind live audio this thread decodes: the last real-time chunk's wait, and when it
 * was measured (an idle thread's last figure says nothing about now).
 */
const behind = { ms: 0, at: 0 };

/** Drops a stream's extras for the rest of its answer: the thread is behind its callers. */
function shed(s: Stream & { d: Pooled }): void {
  if (s.denoise) {
    // What the cleaner still holds (its delay), so the decoders hear no gap.
    decode(s, s.denoise.finish());
    s.denoise.release();
    delete s.denoise;
    s.denoised = false;
  }
  if (s.loop) {
    s.d.loop?.stop();
    s.loop = false;
  }
}

function step(id: number, fn: (s: Stream & { d: Pooled }) => void): void {
  const s = streams.get(id);
  if (!s) return;
  s.work = s.work
    .then(() => {
      if (s.d) fn(s as Stream & { d: Pooled });
    })
    .catch((e) => {
      s.denoise?.release();
      streams.delete(id);
      port?.postMessage({ t: 'error', id, message: String(e) } satisfies FromWorker);
    });
}

port.on('message', (m: ToWorker) => {
  switch (m.t) {
    case 'grammar':
      grammars.set(m.name, {
        key: `${m.name}@${m.version}`,
        jsgf: m.jsgf,
        words: m.words,
        phraseWords: new Set(m.phraseWords),
      });
      warmUp();
      return;
    case 'open': {
      const grammar = grammars.get(m.grammar);
      if (!grammar) {
        port.postMessage({ t: 'error', id: m.id, message: `no grammar ${m.grammar}` } satisfies FromWorker);
        return;
      }
      const room = !m.realTime || hasRoom(behind, Date.now(), setup.shedLagMs);
      const denoise = denoisers && m.denoise && room ? denoisers.open(setup.sampleRate) : undefined;
      const loop = m.loop && room;
      // An answer left unchecked is confirmed by its caller (challenge.confirmUnchecked), so a
      // slightly less accurate search costs little there, and it is where the load is.
      const budget = m.realTime && setup.phoneLoop && !loop && setup.busyMaxHmms > 0;
      const s: Stream = {
        work: Promise.resolve(),
        lastPartial: '',
        loop,
        grammar,
        ...(denoise ? { denoise } : {}),
        denoised: denoise !== undefined,
        realTime: m.realTime,
      };
      s.work = acquire(loop, grammar, budget ? setup.busyMaxHmms : FULL_SEARCH_HMMS).then((d) => {
        s.d = d;
        s.readyAt = Date.now();
      });
      streams.set(m.id, s);
      s.work.catch((e) => {
        s.denoise?.release();
        streams.delete(m.id);
        port.postMessage({ t: 'error', id: m.id, message: String(e) } satisfies FromWorker);
      });
      return;
    }
    case 'audio':
      step(m.id, (s) => {
        if (s.realTime) {
          const now = Date.now();
          const { dueAt, lagMs } = chunkLag({
            sentAt: m.sentAt,
            now,
            chunkMs: (m.pcm.length * 1000) / setup.sampleRate,
            ...(s.readyAt === undefined ? {} : { readyAt: s.readyAt }),
            ...(s.dueAt === undefined ? {} : { prevDueAt: s.dueAt }),
          });
          s.dueAt = dueAt;
          s.lagMs = lagMs;
          behind.ms = s.lagMs;
          behind.at = now;
          if (setup.shedLagMs && s.lagMs > setup.shedLagMs) shed(s);
        }
        decode(s, s.denoise ? s.denoise.process(m.pcm) : m.pcm);
        const text = s.d.decoder.get_text().trim();
        if (text !== s.lastPartial) {
          s.lastPartial = text;
          port.postMessage({ t: 'partial', id: m.id, text } satisfies FromWorker);
        }
      });
      return;
    case 'end':
      step(m.id, (s) => {
        if (s.denoise) {
          decode(s, s.denoise.finish());
          s.denoise.release();
        }
        s.d.decoder.stop();
        if (s.loop) s.d.loop?.stop();
        // A grammar search that never reached a final state says nothing at the end, though
        // it heard words on the way (an answer cut short): keep what it heard.
        const heard = s.d.decoder.get_text().trim();
        const text = heard || s.lastPartial;
        // Both opinions from the phone loop read the grammar's alignment: made once.
        const loop = s.loop ? s.d.loop : undefined;
        const aligned = heard && loop ? alignedWords(s.d.decoder) : undefined;
        const fit =
          loop && aligned ? acousticFit(s.d.decoder, loop, aligned, s.grammar.phraseWords) : undefined;
        const phones = loop && aligned ? phonesOfName(loop, aligned, s.grammar.phraseWords) : undefined;
        release(s.d);
        streams.delete(m.id);
        port.postMessage({
          t: 'final',
          id: m.id,
          text,
          ...(fit === undefined ? {} : { fit }),
          ...(phones?.length ? { phones } : {}),
          ...(setup.phoneLoop ? { checked: s.loop } : {}),
          denoised: s.denoised,
          ...(s.lagMs === undefined ? {} : { lagMs: s.lagMs }),
        } satisfies FromWorker);
      });
      return;
  }
});

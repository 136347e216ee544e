import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { Int16Downsampler } from '../audio/resample.js';
import { pcmFromBytes } from '../audio/wav.js';
import { DoormanError } from '../errors.js';
import type { DirectoryEntry } from '../match/directory.js';
import { markedLanguages } from '../match/name-origin.js';
import type { Phrases } from '../match/phrases.js';
import { distinctReadings, type Lexicon, ReadingIndex } from '../match/pronunciation.js';
import { defined } from '../util/defined.js';
import { acronymsOf, spelledOut } from './acronyms.js';
import { CmuLexicon } from './cmu-lexicon.js';
import {
  DIRECTORY_GRAMMAR,
  type EngineCapabilities,
  type SpeechEngine,
  type SpeechResult,
  type SpeechStream,
  type StreamOptions,
} from './engine.js';
import { espeakPhonesOf, foreignReadingsOf } from './espeak-phones.js';
import { buildGrammar, grammarWords } from './grammar.js';
import { type RecognitionHost, startRecognitionHost } from './recognition-host.js';
import type { FromWorker, ToWorker, WorkerSetup } from './recognition-protocol.js';
import type { Recognizer } from './recognizer.js';
import { ResultQueue } from './result-queue.js';

/** soundswallower resolves its model relative to the working directory unless told where it is. */
const MODEL_DIR = join(dirname(fileURLToPath(import.meta.resolve('soundswallower'))), 'model', 'en-us');
const MODEL_RATE = 8000;
/** The model's pronouncing dictionary (CMU format), also what the matcher compares names with. */
export const SOUNDSWALLOWER_DICT = join(MODEL_DIR, 'dict.txt');
/**
 * How many answers a worker of each build checks fully (phone loop, RNNoise) and hears through
 * every warp at once, unless the config says: beyond, answers go without, and their callers
 * confirm the name. Each count is about what one worker of that build checked in real time
 * beside Doorman and Asterisk on two cores (bench/calls, README); the lag rule (`shedLagMs`,
 * lag.ts `shedding`) covers slower machines: a worker behind drops the other warps first, then
 * RNNoise from every answer it holds, and phone loops one at a time.
 */
const BUILD_STREAM_LIMITS: Record<Recognizer['name'], { phoneLoop: number; denoise: number; warps: number }> =
  {
    wasm: { phoneLoop: 4, denoise: 3, warps: 1 },
    native: { phoneLoop: 10, denoise: 6, warps: 2 },
  };

/** Audio is decoded in chunks of this much; partial results come at most this often. */
const CHUNK_MS = 100;

/**
 * Each setting as `speech` in the config says (src/config/sections/speech.ts): its defaults are
 * the config's, so none here.
 */
export interface SoundSwallowerOptions {
  logger: Logger;
  /**
   * Which build of PocketSphinx decodes: 'native' (Debian's libpocketsphinx3, in processes of
   * its own), 'wasm' (the soundswallower package, in threads), or 'auto': native where the
   * library loads, else wasm.
   */
  runtime: Recognizer['name'] | 'auto';
  /** The native build's library (Debian 12: libpocketsphinx.so.3), by name or path. */
  nativeLibrary: string;
  /** Decoders loaded per thread before the first answer; more are made as answers overlap, and kept. */
  poolSize: number;
  /** Search beam (PocketSphinx's `beam`); smaller is wider, slower and more accurate. */
  beam: number;
  /** Recognition threads; 0: one per core. */
  threads: number;
  /** Score each answer against a free phone loop too (`SpeechResult.fit`); ~40% more CPU. */
  phoneLoop: boolean;
  /**
   * ...but only while a thread decodes fewer streams than this: under load, answers are
   * recognised by the grammar alone (no fit), so a busy PBX keeps real time.
   */
  phoneLoopMaxStreams: number;
  /**
   * espeak-ng languages whose reading of each person's name is added beside the English ones
   * (a name is often said as its own language reads it). Empty: English readings only.
   */
  nameLanguages: readonly string[];
  /** Clean each answer with RNNoise before recognising it (`src/audio/denoiser.ts`). */
  denoise: boolean;
  /** ...but only while a thread decodes fewer streams than this (as `phoneLoopMaxStreams`). */
  denoiseMaxStreams: number;
  /**
   * A thread this far behind live audio (ms) drops RNNoise from its answers (their other warps
   * at half this), and at twice this their phone loops one at a time (lag.ts `shedding`); 0: never. Streams that are not
   * `realTime` never count or shed.
   */
  shedLagMs: number;
  /** Every answer's grammar search keeps at most this many HMMs per frame. */
  maxHmms: number;
  /** Live answers started without the phone loop search at most this many HMMs per frame; 0: as `maxHmms`. */
  busyMaxHmms: number;
  /** Each answer is decoded through these frequency warps at once, the best-scoring kept (`WorkerSetup.warps`). */
  warps: readonly number[];
  /** ...but only while a thread decodes fewer live streams than this (as `phoneLoopMaxStreams`). */
  warpMaxStreams: number;
  /** ...and the best of them kept after this much of an answer's audio, ms (0: at its end). */
  warpChooseMs: number;
}

interface RecognitionThread {
  worker: RecognitionHost;
  streams: Map<number, SoundSwallowerStream>;
  decoders: number;
}

export class SoundSwallowerEngine implements SpeechEngine {
  readonly name = 'soundswallower';
  /** The pronunciations of the grammar built last; each grammar build works on a copy. */
  private current = CmuLexicon.fromFile(SOUNDSWALLOWER_DICT);
  readonly capabilities: EngineCapabilities = {
    grammar: { setDirectory: (entries, phrases, name) => this.setDirectory(entries, phrases, name) },
  };
  private readonly threads: RecognitionThread[] = [];
  /** Each grammar by name (the directory's, questions'), as last sent to the threads. */
  private readonly grammars = new Map<string, Extract<ToWorker, { t: 'grammar' }>>();
  private grammarVersion = 0;
  private nextId = 1;
  private closed = false;
  private readonly log: Logger;
  /** The build that decodes (SoundSwallowerOptions.runtime, settled). */
  build: Recognizer['name'] = 'wasm';

  /** What decoders load as their dictionary: nothing (their words come with the grammar). */
  private readonly emptyDict: string;

  private constructor(private readonly opts: SoundSwallowerOptions) {
    this.log = opts.logger.child({ component: 'speech', engine: this.name });
    this.emptyDict = join(mkdtempSync(join(tmpdir(), 'doorman-speech-')), 'empty.dict');
    writeFileSync(this.emptyDict, '');
  }

  static async create(opts: SoundSwallowerOptions): Promise<SoundSwallowerEngine> {
    const engine = new SoundSwallowerEngine(opts);
    const n = opts.threads || availableParallelism();
    if (opts.runtime !== 'wasm') {
      try {
        await engine.start('native', n);
        return engine;
      } catch (e) {
        await engine.stopWorkers();
        if (opts.runtime === 'native') throw e;
        engine.log.info(
          { reason: (e as Error).message },
          'native PocketSphinx unavailable; using the WebAssembly build',
        );
      }
    }
    await engine.start('wasm', n);
    return engine;
  }

  /** Starts `n` workers of one build, and waits until each has loaded it. */
  private async start(runtime: Recognizer['name'], n: number): Promise<void> {
    this.build = runtime;
    const ready: Array<Promise<void>> = [];
    for (let i = 0; i < n; i++) {
      const thread = this.spawn(i);
      this.threads.push(thread);
      ready.push(thread.ready);
    }
    await Promise.all(ready);
  }

  /** How many of a thread's answers at once get the phone loop; the next go without. */
  private get loopStreams(): number {
    return this.opts.phoneLoopMaxStreams || BUILD_STREAM_LIMITS[this.build].phoneLoop;
  }

  private async stopWorkers(): Promise<void> {
    const threads = this.threads.splice(0);
    this.closed = true;
    await Promise.all(threads.map((t) => t.worker.terminate()));
    this.closed = false;
  }

  private spawn(index: number): RecognitionThread & { ready: Promise<void> } {
    const worker = startRecognitionHost({
      runtime: this.build,
      nativeLibrary: this.opts.nativeLibrary,
      modelDir: MODEL_DIR,
      dict: this.emptyDict,
      sampleRate: MODEL_RATE,
      beam: this.opts.beam,
      poolSize: this.opts.poolSize,
      poolLoops: Math.min(this.opts.poolSize, this.loopStreams),
      phoneLoop: this.opts.phoneLoop,
      denoise: this.opts.denoise,
      shedLagMs: this.opts.shedLagMs,
      maxHmms: this.opts.maxHmms,
      busyMaxHmms: this.opts.busyMaxHmms,
      warps: [...this.opts.warps],
      warpChooseMs: this.opts.warpChooseMs,
    } satisfies WorkerSetup);
    let settle: { ok: () => void; fail: (e: Error) => void } | undefined;
    const ready = new Promise<void>((ok, fail) => {
      settle = { ok, fail };
    });
    const thread = { worker, streams: new Map(), decoders: 0, ready };
    for (const g of this.grammars.values()) worker.post(g satisfies ToWorker);
    worker.onMessage((m: FromWorker) => {
      if (m.t === 'decoders') thread.decoders = m.count;
      else if (m.t === 'ready') settle?.ok();
      else if (m.t === 'failed')
        settle?.fail(new DoormanError('ENGINE_START', `recognition worker could not start: ${m.message}`));
      else thread.streams.get(m.id)?.onWorker(m);
    });
    worker.onError((e) => this.log.error({ err: e }, 'recognition worker failed'));
    worker.onExit((code) => {
      settle?.fail(
        new DoormanError('ENGINE_START', `recognition worker exited (${code}) before it was ready`),
      );
      if (this.closed) return;
      // Its streams fail (their calls are handed back); a new thread takes its place.
      for (const s of thread.streams.values())
        s.onWorker({ t: 'error', id: 0, message: `recognition thread exited (${code})` });
      this.log.error({ code }, 'recognition worker exited; starting another');
      const next = this.spawn(index);
      // Nobody waits for a replacement to be ready: one that cannot start is logged, not thrown.
      next.ready.catch((err) => this.log.error({ err }, 'the replacement recognition worker did not start'));
      this.threads[index] = next;
    });
    return thread;
  }

  /**
   * Rebuilds the grammar for a directory; streams opened afterwards use it. Other lists of
   * things to say (a question's answers) get grammars of their own, by name (`StreamOptions.grammar`).
   */
  async setDirectory(
    entries: readonly DirectoryEntry[],
    phrases: Phrases,
    name: string = DIRECTORY_GRAMMAR,
  ): Promise<{ unpronounceable: string[]; lexicon: Lexicon }> {
    const lexicon = this.current.copy();
    const draft = buildGrammar(entries, phrases);
    const phraseWords = [
      ...new Set(
        [...phrases.carriers, ...phrases.closers, ...phrases.openers, ...phrases.fillers].flatMap(
          grammarWords,
        ),
      ),
    ];
    const phraseSet = new Set([...phraseWords, ...phrases.nobody.flatMap(grammarWords)]);
    const plain = (word: string) => word.replace(/'/g, '');
    // espeak-ng's rules for every name: for words the dictionary lacks, and beside the
    // dictionary's own for the rest, whose names from other languages often carry an anglicised
    // guess (the dictionary says Siobhan is "SH AW B AA N"; espeak-ng knows "SH IH V AO N").
    const names = [...draft.words].filter((w) => !phraseSet.has(w) || !lexicon.has(w));
    const espeak = await espeakPhonesOf([...new Set(names.map(plain))]);
    let derived = 0;
    const unpronounceable: string[] = [];
    for (const word of acronymsOf(entries)) {
      const letters = spelledOut(word);
      if (!lexicon.pronunciations(word).some((p) => p.join(' ') === letters.join(' ')))
        lexicon.add(word, letters);
    }
    for (const word of names) {
      const spelled = lexicon.pronunciations(plain(word))[0]; // "o'brien" as "obrien"
      if (!lexicon.has(word) && spelled) lexicon.add(word, spelled);
      const known = lexicon.pronunciations(word);
      const phones = espeak.get(plain(word));
      if (phones && !known.some((p) => p.join(' ') === phones.join(' '))) {
        if (!known.length) derived++;
        lexicon.add(word, phones);
      }
      if (!lexicon.has(word)) unpronounceable.push(word);
    }
    // Other languages' readings only for names English cannot settle: ones the dictionary
    // lacks, or says otherwise than espeak-ng's English rules (Khalil), or spelled the way
    // another language spells (Niamh, which both read "Nye-am"). Names both agree on (John,
    // Sarah) are said the English way, and foreign readings would only blur them.
    const languages = this.opts.nameLanguages;
    const unsettled = (w: string) => {
      const listed = lexicon.listed(plain(w));
      const phones = espeak.get(plain(w));
      return (
        !listed.length || (phones !== undefined && !listed.some((p) => p.join(' ') === phones.join(' ')))
      );
    };
    const nameWords = (e: DirectoryEntry) =>
      [e.name, ...e.aliases].flatMap(grammarWords).filter((w) => !phraseSet.has(w));
    const personWords = entries.filter((e) => e.type === 'person').flatMap(nameWords);
    // An entry's own languages (the admin knows Thu Tran is Vietnamese) count as marks do.
    const declared = new Map<string, Set<string>>();
    for (const e of entries) {
      for (const w of e.languages?.length ? nameWords(e) : []) {
        declared.set(w, new Set([...(declared.get(w) ?? []), ...(e.languages ?? [])]));
      }
    }
    const marks = new Map<string, string[]>();
    for (const w of [...personWords, ...declared.keys()]) {
      marks.set(w, [...new Set([...markedLanguages(plain(w), languages), ...(declared.get(w) ?? [])])]);
    }
    const personal = new Set([...marks.keys()].filter((w) => marks.get(w)?.length || unsettled(w)));
    const extra = [...new Set([...declared.values()].flatMap((l) => [...l]))].filter(
      (l) => !languages.includes(l),
    );
    // Languages outside speech.soundswallower.nameLanguages are read only for the words declared in them.
    const foreign = await foreignReadingsOf([...personal].map(plain), [...languages, ...extra]);
    const readingsOf = (w: string) =>
      (foreign.get(plain(w)) ?? []).filter(
        (r) => languages.includes(r.language) || declared.get(w)?.has(r.language),
      );
    const english = new ReadingIndex();
    for (const w of draft.words) for (const p of lexicon.pronunciations(w)) english.add(w, p);
    for (const word of personal) {
      const own = lexicon.pronunciations(word);
      const marked = marks.get(word) ?? [];
      for (const phones of distinctReadings(word, readingsOf(word), own, english, marked)) {
        lexicon.add(word, phones);
      }
    }
    const unusable = new Set(unpronounceable);
    const spec = unusable.size ? buildGrammar(entries, phrases, (w) => !unusable.has(w)) : draft;
    // Decoders load no dictionary of their own (the model's holds ~135k words, most of a
    // decoder's memory): each gets exactly the words of the grammar, variants as "word(2)".
    const words: Array<[string, string]> = [];
    for (const w of spec.words) {
      for (const [i, p] of lexicon.pronunciations(w).entries()) {
        words.push([i ? `${w}(${i + 1})` : w, p.join(' ')]);
      }
    }
    const grammar = {
      t: 'grammar' as const,
      name,
      jsgf: spec.jsgf,
      words,
      phraseWords,
      version: ++this.grammarVersion,
    };
    this.grammars.set(name, grammar);
    for (const t of this.threads) t.worker.post(grammar satisfies ToWorker);
    if (unpronounceable.length) {
      this.log.warn(
        { words: unpronounceable },
        'no pronunciation for these words; add sounds-like spellings',
      );
    }
    this.log.info({ words: spec.words.size, derived }, 'grammar built');
    this.current = lexicon;
    return { unpronounceable, lexicon };
  }

  /** The pronunciations of the grammar built last (each build leaves earlier snapshots alone). */
  get lexicon(): Lexicon {
    return this.current;
  }

  open(opts: StreamOptions): SpeechStream {
    const grammar = opts.grammar ?? DIRECTORY_GRAMMAR;
    if (!this.grammars.has(grammar))
      throw new DoormanError('ENGINE_NO_GRAMMAR', `speech engine has no grammar "${grammar}" yet`);
    // The least busy thread takes the stream.
    const thread = this.threads.reduce((a, b) => (b.streams.size < a.streams.size ? b : a));
    const id = this.nextId++;
    // The extras cost CPU a burst of answers may not have: past these, answers go without.
    const busy = thread.streams.size;
    const limits = BUILD_STREAM_LIMITS[this.build];
    const loop = busy < this.loopStreams;
    const denoise = busy < (this.opts.denoiseMaxStreams || limits.denoise);
    const realTime = opts.realTime ?? true;
    // Each other warp costs as much as the answer's own search: a file is decoded as a quiet
    // line's answer is, and live answers beyond the first few of a thread go through one.
    const warps = !realTime || busy < (this.opts.warpMaxStreams || limits.warps);
    const stream = new SoundSwallowerStream(id, thread, opts);
    thread.streams.set(id, stream);
    thread.worker.post({ t: 'open', id, loop, denoise, warps, grammar, realTime } satisfies ToWorker);
    return stream;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
    rmSync(dirname(this.emptyDict), { recursive: true, force: true });
  }

  /** Decoders the threads hold (each a model copy, ~25 MB; kept once made, see the worker). */
  get decoders(): number {
    return this.threads.reduce((n, t) => n + t.decoders, 0);
  }

  /** The recognition workers that run as processes of their own (the native build's). */
  get workerProcessIds(): number[] {
    return this.threads.flatMap((t) => (t.worker.pid === undefined ? [] : [t.worker.pid]));
  }

  get activeStreams(): number {
    return this.threads.reduce((n, t) => n + t.streams.size, 0);
  }
}

class SoundSwallowerStream implements SpeechStream {
  private pending: Int16Array[] = [];
  private pendingSamples = 0;
  private audioMs = 0;
  private ended = false;
  private readonly decimator: Int16Downsampler | undefined;
  private readonly results_ = new ResultQueue('soundswallower');

  constructor(
    private readonly id: number,
    private readonly thread: RecognitionThread,
    private readonly opts: StreamOptions,
  ) {
    this.decimator = opts.sampleRate === 16000 ? new Int16Downsampler(2) : undefined;
    opts.signal.addEventListener('abort', () => this.end(), { once: true });
  }

  write(frame: Buffer): void {
    if (this.ended) return;
    const pcm = pcmFromBytes(frame);
    const samples = this.decimator ? this.decimator.process(pcm) : pcm;
    this.pending.push(samples);
    this.pendingSamples += samples.length;
    this.audioMs += (pcm.length * 1000) / this.opts.sampleRate;
    if (this.pendingSamples >= (MODEL_RATE * CHUNK_MS) / 1000) this.flush();
    if (this.opts.maxAudioMs && this.audioMs >= this.opts.maxAudioMs) this.end();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.flush();
    this.thread.worker.post({ t: 'end', id: this.id } satisfies ToWorker);
  }

  /** Sends the audio gathered so far to the thread, as floats in [-1, 1] (what the decoder wants). */
  private flush(): void {
    if (!this.pendingSamples) return;
    const chunk = new Float32Array(this.pendingSamples);
    let off = 0;
    for (const p of this.pending) {
      for (let i = 0; i < p.length; i++) chunk[off + i] = (p[i] as number) / 32768;
      off += p.length;
    }
    this.pending = [];
    this.pendingSamples = 0;
    this.thread.worker.post({ t: 'audio', id: this.id, pcm: chunk, sentAt: Date.now() } satisfies ToWorker, [
      chunk.buffer,
    ]);
  }

  onWorker(m: Exclude<FromWorker, { t: 'decoders' | 'ready' | 'failed' }>): void {
    if (m.t === 'partial') this.results_.push({ text: m.text, final: false });
    else {
      this.thread.streams.delete(this.id);
      this.ended = true;
      if (m.t === 'final')
        this.results_.push({
          text: m.text,
          final: true,
          ...defined({
            fit: m.fit,
            phones: m.phones,
            loopPhones: m.loopPhones,
            checked: m.checked,
            lagMs: m.lagMs,
            warp: m.warp,
          }),
          denoised: m.denoised,
        });
      else this.results_.fail(new Error(m.message));
    }
  }

  results(): AsyncIterable<SpeechResult> {
    return this.results_.iterate();
  }
}

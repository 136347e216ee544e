import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import createModule, { type Decoder, type SoundSwallowerModule } from 'soundswallower';
import { Decimator2 } from '../audio/resample.js';
import { pcmFromBytes } from '../audio/wav.js';
import { DoormanError } from '../errors.js';
import type { DirectoryEntry } from '../match/directory.js';
import type { Phrases } from '../match/phrases.js';
import { CmuLexicon } from './cmu-lexicon.js';
import type { SpeechEngine, SpeechResult, SpeechStream, StreamOptions } from './engine.js';
import { espeakPhones } from './espeak-phones.js';
import { buildGrammar } from './grammar.js';
import { ResultQueue } from './result-queue.js';

/** soundswallower resolves its model relative to the working directory unless told where it is. */
const MODEL_DIR = join(dirname(fileURLToPath(import.meta.resolve('soundswallower'))), 'model', 'en-us');
const MODEL_RATE = 8000;
/** The model's pronouncing dictionary (CMU format), also what the matcher compares names with. */
export const SOUNDSWALLOWER_DICT = join(MODEL_DIR, 'dict.txt');
/** Audio is decoded in chunks of this much; partial results come at most this often. */
const CHUNK_MS = 100;

export interface SoundSwallowerOptions {
  logger: Logger;
  /** Decoders kept for reuse; each holds its own ~25 MB model copy. */
  poolSize: number;
  /** Search beam (PocketSphinx's `beam`); smaller is wider, slower and more accurate. */
  beam: number;
}

interface PooledDecoder {
  decoder: Decoder;
  grammarVersion: number;
}

/**
 * The embedded, offline engine: PocketSphinx compiled to WebAssembly, with the 8 kHz US-English
 * model its npm package ships, searching a grammar built from the directory. Names the
 * model's dictionary lacks get pronunciations from their sounds-like spellings or espeak-ng.
 */
export class SoundSwallowerEngine implements SpeechEngine {
  readonly name = 'soundswallower';
  readonly lexicon = CmuLexicon.fromFile(SOUNDSWALLOWER_DICT);
  private module: SoundSwallowerModule | undefined;
  private readonly idle: PooledDecoder[] = [];
  private live = 0;
  private grammar = { jsgf: '', added: [] as Array<[string, string]>, version: 0 };
  private readonly log: Logger;

  private constructor(private readonly opts: SoundSwallowerOptions) {
    this.log = opts.logger.child({ component: 'speech', engine: this.name });
  }

  static async create(opts: SoundSwallowerOptions): Promise<SoundSwallowerEngine> {
    const engine = new SoundSwallowerEngine(opts);
    engine.module = await createModule();
    return engine;
  }

  /** Rebuilds the grammar for a directory; streams opened afterwards use it. */
  async setDirectory(
    entries: readonly DirectoryEntry[],
    phrases: Phrases,
  ): Promise<{ unpronounceable: string[] }> {
    const draft = buildGrammar(entries, phrases);
    const added: Array<[string, string]> = [];
    const unpronounceable: string[] = [];
    for (const word of draft.words) {
      if (this.lexicon.has(word)) continue;
      const plain = word.replace(/'/g, '');
      const phones = this.lexicon.pronunciations(plain)[0] ?? (await espeakPhones(plain));
      if (phones?.length) {
        added.push([word, phones.join(' ')]);
        this.lexicon.add(word, phones);
      } else {
        unpronounceable.push(word);
      }
    }
    const unusable = new Set(unpronounceable);
    const spec = unusable.size ? buildGrammar(entries, phrases, (w) => !unusable.has(w)) : draft;
    this.grammar = { jsgf: spec.jsgf, added, version: this.grammar.version + 1 };
    if (unpronounceable.length) {
      this.log.warn(
        { words: unpronounceable },
        'no pronunciation for these words; add sounds-like spellings',
      );
    }
    this.log.info({ words: spec.words.size, derived: added.length }, 'grammar built');
    return { unpronounceable };
  }

  private async acquire(): Promise<PooledDecoder> {
    const module = this.module;
    if (!module) throw new DoormanError('ENGINE_NOT_READY', 'speech engine not initialised');
    if (!this.grammar.version)
      throw new DoormanError('ENGINE_NO_GRAMMAR', 'speech engine has no directory yet');
    let d = this.idle.pop();
    if (!d) {
      const decoder = new module.Decoder({
        hmm: MODEL_DIR,
        dict: SOUNDSWALLOWER_DICT,
        samprate: MODEL_RATE,
        loglevel: 'FATAL',
        // Wider than PocketSphinx's defaults (1e-48): on telephone audio this keeps the right
        // name alive more often, for about 40% more CPU (bench/accuracy.ts).
        beam: this.opts.beam,
        pbeam: this.opts.beam,
        wbeam: this.opts.beam * 1e20,
      });
      await decoder.initialize();
      d = { decoder, grammarVersion: 0 };
    }
    if (d.grammarVersion !== this.grammar.version) {
      if (this.grammar.added.length) d.decoder.add_words(...this.grammar.added);
      d.decoder.set_grammar(this.grammar.jsgf);
      d.grammarVersion = this.grammar.version;
    }
    this.live++;
    return d;
  }

  private release(d: PooledDecoder): void {
    this.live--;
    if (this.idle.length < this.opts.poolSize) this.idle.push(d);
    else d.decoder.delete();
  }

  open(opts: StreamOptions): SpeechStream {
    return new SoundSwallowerStream(
      () => this.acquire(),
      (d) => this.release(d),
      opts,
    );
  }

  async close(): Promise<void> {
    for (const d of this.idle.splice(0)) d.decoder.delete();
  }

  get activeStreams(): number {
    return this.live;
  }
}

class SoundSwallowerStream implements SpeechStream {
  private readonly pending: Int16Array[] = [];
  private pendingSamples = 0;
  private audioMs = 0;
  private ended = false;
  private readonly results_ = new ResultQueue('soundswallower');
  private readonly decimator: Decimator2 | undefined;
  private readonly ready: Promise<PooledDecoder>;
  private work: Promise<void> = Promise.resolve();
  private lastPartial = '';

  constructor(
    acquire: () => Promise<PooledDecoder>,
    private readonly release: (d: PooledDecoder) => void,
    private readonly opts: StreamOptions,
  ) {
    this.decimator = opts.sampleRate === 16000 ? new Decimator2() : undefined;
    this.ready = acquire().then((d) => {
      d.decoder.start();
      return d;
    });
    this.ready.catch((e) => this.fail(e));
    opts.signal.addEventListener('abort', () => this.end(), { once: true });
  }

  write(frame: Buffer): void {
    if (this.ended) return;
    const pcm = pcmFromBytes(frame);
    const samples = this.decimator ? this.decimator.process(pcm) : pcm;
    this.pending.push(samples);
    this.pendingSamples += samples.length;
    this.audioMs += (pcm.length * 1000) / this.opts.sampleRate;
    if (this.pendingSamples >= (MODEL_RATE * CHUNK_MS) / 1000) this.schedule(false);
    if (this.opts.maxAudioMs && this.audioMs >= this.opts.maxAudioMs) this.end();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.schedule(true);
  }

  private schedule(final: boolean): void {
    const chunk = new Float32Array(this.pendingSamples);
    let off = 0;
    for (const p of this.pending.splice(0)) {
      for (let i = 0; i < p.length; i++) chunk[off + i] = (p[i] as number) / 32768;
      off += p.length;
    }
    this.pendingSamples = 0;
    this.work = this.work.then(async () => {
      if (this.results_.failed) return;
      const d = await this.ready;
      try {
        if (chunk.length) d.decoder.process_audio(chunk, false, false);
        if (final) {
          d.decoder.stop();
          // A grammar search that never reached a final state says nothing at the end, though
          // it heard words on the way (an answer cut short): keep what it heard.
          const text = d.decoder.get_text().trim() || this.lastPartial;
          this.release(d);
          this.push({ text, final: true });
        } else {
          const text = d.decoder.get_text().trim();
          if (text !== this.lastPartial) {
            this.lastPartial = text;
            this.push({ text, final: false });
          }
        }
      } catch (e) {
        this.fail(e);
      }
    });
  }

  private fail(e: unknown): void {
    this.ended = true;
    this.results_.fail(e);
  }

  private push(r: SpeechResult): void {
    this.results_.push(r);
  }

  results(): AsyncIterable<SpeechResult> {
    return this.results_.iterate();
  }
}

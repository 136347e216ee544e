// PocketSphinx as WebAssembly (the soundswallower package): runs wherever Node does, in the
// recognition thread's own WebAssembly memory.
import createModule, { type Config, type Decoder, type SoundSwallowerModule } from 'soundswallower';
import {
  type GrammarDecoder,
  PHONES,
  type PhoneLoopDecoder,
  type Recognizer,
  type RecognizerSetup,
  type TimedWord,
  warpArgs,
} from './recognizer.js';

/** The loop's words are one-phone "words". */
const loopWord = (p: string) => `ph_${p.toLowerCase()}`;
const LOOP_JSGF = `#JSGF V1.0;\ngrammar phones;\npublic <phones> = (${PHONES.map(loopWord).join(' | ')})+;\n`;

/**
 * How the loop's decoder searches: context-independent phones only (all of them active every
 * frame): it adds about a third to a half of the grammar search's CPU.
 */
const LOOP_SEARCH: Config = { cionly: true, beam: 1e-60, pbeam: 1e-60, wbeam: 1e-40 };

export async function loadSoundSwallower(setup: RecognizerSetup): Promise<Recognizer> {
  const module = await createModule();
  const newDecoder = async (search: Config, warp: number): Promise<Decoder> => {
    const decoder = new module.Decoder({
      hmm: setup.modelDir,
      dict: setup.dict,
      samprate: setup.sampleRate,
      loglevel: 'FATAL',
      ...search,
      ...warpArgs(warp),
    });
    await decoder.initialize();
    return decoder;
  };
  return {
    name: 'wasm',
    async grammarDecoder({ beam, warp }) {
      // Wider than PocketSphinx's defaults (1e-48): on telephone audio this keeps the right
      // name alive more often, for about 40% more CPU (bench/accuracy.ts).
      return new WasmGrammarDecoder(
        module,
        await newDecoder({ beam, pbeam: beam, wbeam: beam * 1e20 }, warp),
      );
    },
    async phoneLoop({ warp }) {
      const loop = await newDecoder(LOOP_SEARCH, warp);
      loop.add_words(...PHONES.map((p) => [loopWord(p), p] as [string, string]));
      loop.set_grammar(LOOP_JSGF);
      return new WasmPhoneLoop(module, loop);
    },
  };
}

/** soundswallower's JS API does not expose the path score; its C function takes an out-pointer. */
function pathScore(module: SoundSwallowerModule, decoder: Decoder): number {
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

/** The decoder's aligned words; undefined when it recognised nothing (it throws then). */
function aligned(decoder: Decoder): TimedWord[] | undefined {
  try {
    return (decoder.get_alignment().w ?? []).map(({ t, b, d }) => ({ t, b, d }));
  } catch {
    return undefined;
  }
}

/** What both decoders do alike: an utterance of audio, and the score of its best path. */
class WasmUtterance {
  constructor(
    private readonly module: SoundSwallowerModule,
    protected readonly d: Decoder,
  ) {}
  start(): void {
    this.d.start();
  }
  process(pcm: Float32Array): void {
    this.d.process_audio(pcm, false, false);
  }
  stop(): void {
    this.d.stop();
  }
  pathScore(): number {
    return pathScore(this.module, this.d);
  }
}

class WasmGrammarDecoder extends WasmUtterance implements GrammarDecoder {
  addWords(words: ReadonlyArray<[string, string]>): void {
    if (words.length) this.d.add_words(...words);
  }
  setGrammar(jsgf: string, maxHmms: number): void {
    this.d.set_config('maxhmmpf', maxHmms);
    this.d.set_grammar(jsgf);
  }
  text(): string {
    return this.d.get_text().trim();
  }
  words(): TimedWord[] | undefined {
    return aligned(this.d);
  }
}

class WasmPhoneLoop extends WasmUtterance implements PhoneLoopDecoder {
  phones(): TimedWord[] {
    return (aligned(this.d) ?? [])
      .filter((w) => w.t.startsWith('ph_'))
      .map((w) => ({ ...w, t: w.t.slice(3).toUpperCase() }));
  }
}

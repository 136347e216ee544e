// What a recognition worker needs of PocketSphinx, whichever build runs it: the WebAssembly one
// in the soundswallower package (soundswallower-recognizer.ts) or Debian's native library
// (pocketsphinx-recognizer.ts). The worker's streams, pool and second opinion use only this.

/** A word (or phone) of a decoded utterance: start and duration in seconds from its start. */
export interface TimedWord {
  t: string;
  b: number;
  d: number;
}

interface Utterance {
  start(): void;
  /** Audio at the model's rate, as floats in [-1, 1]. */
  process(pcm: Float32Array): void;
  stop(): void;
  /** The best path's total score (log base 1.0001) once stopped: what the acoustic fit compares. */
  pathScore(): number;
}

/** A decoder searching a grammar (JSGF) of words it is given, with their pronunciations. */
export interface GrammarDecoder extends Utterance {
  /** Words with their phones ("word(2)" for a second pronunciation); a word is added once. */
  addWords(words: ReadonlyArray<[string, string]>): void;
  /** Searches `jsgf` from the next utterance, at most `maxHmms` HMMs per frame. */
  setGrammar(jsgf: string, maxHmms: number): void;
  /** What it heard so far (partial while decoding, final once stopped). */
  text(): string;
  /** The words of the best path, silences and fillers included; undefined when it heard nothing. */
  words(): TimedWord[] | undefined;
}

/** A decoder of free sequences of context-independent phones: the second opinion's search. */
export interface PhoneLoopDecoder extends Utterance {
  /** The phones of the best path (CMU phone names), silence left out. */
  phones(): TimedWord[];
}

/** One build of PocketSphinx, loaded in a recognition worker. */
export interface Recognizer {
  readonly name: 'wasm' | 'native';
  grammarDecoder(opts: { beam: number; warp: number }): Promise<GrammarDecoder>;
  phoneLoop(opts: { warp: number }): Promise<PhoneLoopDecoder>;
}

/**
 * A decoder's frequency warp: its front end stretches the spectrum by this factor (PocketSphinx's
 * `inverse_linear` warping, vocal tract length normalisation) before the model hears it. 1: none,
 * but said all the same: the library keeps a warp's parameters in one copy per process, and a
 * decoder made without any marks that copy "no warp" while keeping the last factor's text, so
 * the next decoder given that same factor was made with no warp at all (which decoders were
 * warped depended on the order they were made in).
 */
export const warpArgs = (warp: number): Record<string, string> => ({
  warp_type: 'inverse_linear',
  warp_params: String(warp),
});

/** Where a recognizer finds its model and how it reads audio. */
export interface RecognizerSetup {
  modelDir: string;
  /** A dictionary file with no words (decoders get exactly their grammar's words). */
  dict: string;
  sampleRate: number;
  /** The native build's library, by name or path. */
  nativeLibrary: string;
}

/** The model's speech phones: the phone loop's units. */
export const PHONES =
  'AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH'.split(
    ' ',
  );

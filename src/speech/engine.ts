import type { DirectoryEntry } from '../match/directory.js';
import type { Phrases } from '../match/phrases.js';
import type { Lexicon } from '../match/pronunciation.js';

/** A recognition result; partial ones may change, a final one ends the stream. */
export interface SpeechResult {
  text: string;
  final: boolean;
  confidence?: number;
  /**
   * Final results of engines that can tell: how well the recognised words explain the audio
   * compared with an unconstrained phone sequence, log-likelihood per 10 ms frame (0 or above:
   * as well as anything; much below: words forced onto other sounds).
   */
  fit?: number;
  /**
   * Final results of engines that can tell: the phones a free phone loop heard over the words
   * that name someone (ARPAbet), a second opinion on the name that no grammar forced.
   */
  phones?: string[];
  /**
   * Final results of engines that can tell: how many phones that free loop heard over the whole
   * answer, carrier words and all (silence left out): speech the words cannot account for shows
   * as phones beyond theirs.
   */
  loopPhones?: number;
  /**
   * Final results of engines that check their words against the audio (`fit`): false when this
   * answer went unchecked, the check left out to keep up with a burst of callers.
   */
  checked?: boolean;
  /**
   * Final results of engines that decode through several frequency warps
   * (`speech.soundswallower.warps`): the one whose search scored the answer best.
   */
  warp?: number;
  /** Final results of engines that clean the audio first: whether all of this answer was (not under load). */
  denoised?: boolean;
  /**
   * Final results of engines that decode on the caller's clock: how long the answer's last
   * audio waited to be decoded, ms (a loaded machine; the decision waited at least as long).
   */
  lagMs?: number;
}

export interface StreamOptions {
  sampleRate: 8000 | 16000;
  /** Names and phrases likely to be said (speech contexts for cloud engines). */
  hints: string[];
  language: string;
  /** Aborting ends the stream at once with what was recognised so far. */
  signal: AbortSignal;
  /** The stream ends by itself after this much audio, ms. */
  maxAudioMs?: number;
  /**
   * Audio arrives as it is spoken (a call; the default): an engine falling behind may leave out
   * optional work to keep up. false (a file): never, however fast the audio comes.
   */
  realTime?: boolean;
  /** Which of the engine's grammars to search (embedded engine); the directory's when absent. */
  grammar?: string;
}

/** The name of the grammar built from the directory. */
export const DIRECTORY_GRAMMAR = 'directory';

/** One utterance's recognition: write 16-bit little-endian PCM frames, then end. */
export interface SpeechStream {
  write(frame: Buffer): void;
  end(): void;
  results(): AsyncIterable<SpeechResult>;
}

/**
 * A grammar built ahead of the calls from a list of things to say (the embedded engine): streams
 * search one of them by name (`StreamOptions.grammar`).
 */
export interface GrammarCapability {
  /**
   * Builds (or rebuilds) the grammar `name` (the directory's when absent) for these entries and
   * phrases; streams opened afterwards use it. Resolves with the words it could not pronounce,
   * and the pronunciations it was built with: a snapshot no later grammar changes, for the
   * matcher of these entries to read.
   */
  setDirectory(
    entries: readonly DirectoryEntry[],
    phrases: Phrases,
    name?: string,
  ): Promise<{ unpronounceable: string[]; lexicon: Lexicon }>;
}

/** What only some engines can do, each absent from the engines that cannot. */
export interface EngineCapabilities {
  /** Absent: the engine has no grammar and takes what to expect per stream (`StreamOptions.hints`). */
  readonly grammar?: GrammarCapability;
}

export interface SpeechEngine {
  readonly name: string;
  /** Which build of the engine runs, where it has more than one (the embedded one's: wasm, native). */
  readonly build?: string;
  /** A wrapper around another engine exposes the wrapped engine's (or none: `{}`). */
  readonly capabilities: EngineCapabilities;
  open(opts: StreamOptions): SpeechStream;
  close(): Promise<void>;
}

/** Reads a stream to its final result (the empty text when it ended with nothing heard). */
export async function finalResult(stream: SpeechStream): Promise<SpeechResult> {
  let last = '';
  for await (const r of stream.results()) {
    last = r.text;
    if (r.final) return r;
  }
  return { text: last, final: true };
}

/** Reads a stream to its final text (the empty text when it ended with nothing heard). */
export async function finalText(stream: SpeechStream): Promise<string> {
  return (await finalResult(stream)).text;
}

/** The engine's name, with its build where it has more than one: "soundswallower (native)". */
export const describeEngine = (engine: SpeechEngine): string =>
  engine.build ? `${engine.name} (${engine.build})` : engine.name;

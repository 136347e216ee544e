// What one recognition thread holds: made once when the thread starts (`createWorkerState`) and
// passed to whatever handles its messages (recognition-worker.ts).
import { Denoisers, type DenoiseStream } from '../audio/denoiser.js';
import { loadPocketSphinx } from './pocketsphinx-recognizer.js';
import type { FromWorker, WorkerSetup } from './recognition-protocol.js';
import type { GrammarDecoder, PhoneLoopDecoder, Recognizer } from './recognizer.js';
import { loadSoundSwallower } from './soundswallower-recognizer.js';

/** A grammar as the thread keeps it, by name (from ToWorker 'grammar'). */
export interface Grammar {
  /** Its name and version. */
  key: string;
  jsgf: string;
  words: Array<[string, string]>;
  phraseWords: Set<string>;
}

/** One decoder of the pool (recognition-pool.ts). */
export interface Pooled {
  decoder: GrammarDecoder;
  /** The same audio through a free loop of context-independent phones. */
  loop?: PhoneLoopDecoder;
  /** The grammar it searches (name and version) and how: `grammarKey`. */
  grammar: string;
  /** Words this decoder has been given (a word cannot be added twice). */
  known: Set<string>;
  /** Its front end's frequency warp (`warpArgs`). */
  warp: number;
}

/** One stream the main thread opened (recognition-streams.ts). */
export interface Stream {
  /** Its work so far, in order. */
  work: Promise<void>;
  /** Its decoder, once it has one. */
  d?: Pooled;
  /** The same audio through the other warps' decoders (`WorkerSetup.warps`), until one is chosen. */
  alts: Pooled[];
  /**
   * What the decoders heard so far, kept while other warps are undecided: only the first warp's
   * phone loop hears the answer live, and the one chosen, if another, catches up from this.
   */
  heard: Float32Array[];
  /** Samples decoded so far. */
  samples: number;
  /** The last partial text sent. */
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
  /** When the last chunk was due at the pace of speech (see `measureLag`). */
  dueAt?: number;
}

/** A stream that has its decoder. */
export type Decoding = Stream & { d: Pooled };

export interface WorkerState {
  readonly setup: WorkerSetup;
  readonly recognizer: Recognizer;
  /** RNNoise, if the thread denoises at all. */
  readonly denoisers: Denoisers | undefined;
  /** To the main thread. */
  readonly send: (m: FromWorker) => void;
  readonly grammars: Map<string, Grammar>;
  readonly streams: Map<number, Stream>;
  /** Decoders no stream is using (see `release`). */
  readonly idle: Pooled[];
  /** Decoders (grammar searches and phone loops) the thread holds: they are kept. */
  decoders: number;
  /** The pooled decoder being made ahead of the first answers, and how many were (see `warmUp`). */
  warming: Promise<void> | null;
  made: number;
  /**
   * How far behind live audio this thread decodes: the last real-time chunk's wait, and when it
   * was measured (an idle thread's last figure says nothing about now).
   */
  readonly behind: { ms: number; at: number };
  /** When a stream last lost its phone loop to the lag (`shedding`). */
  loopShedAt: number;
}

export async function createWorkerState(
  setup: WorkerSetup,
  send: (m: FromWorker) => void,
): Promise<WorkerState> {
  const load = setup.runtime === 'native' ? loadPocketSphinx : loadSoundSwallower;
  const recognizer = await load(setup);
  const denoisers = setup.denoise ? await Denoisers.load() : undefined;
  return {
    setup,
    recognizer,
    denoisers,
    send,
    grammars: new Map(),
    streams: new Map(),
    idle: [],
    decoders: 0,
    warming: null,
    made: 0,
    behind: { ms: 0, at: 0 },
    loopShedAt: 0,
  };
}

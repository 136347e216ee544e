// The messages between the engine (soundswallower-engine.ts, main thread) and its recognition
// workers (recognition-worker.ts).
import type { Recognizer, RecognizerSetup } from './recognizer.js';

/** What a thread starts with (its `workerData`). */
export interface WorkerSetup extends RecognizerSetup {
  /** Which build of PocketSphinx decodes: 'native' runs in a process of its own, 'wasm' in a thread. */
  runtime: Recognizer['name'];
  beam: number;
  /** Decoders made ready as soon as the thread has a grammar. */
  poolSize: number;
  /**
   * ...of which this many with a phone loop: the engine gives the loop to this many of a
   * thread's answers at once (`phoneLoopMaxStreams`), so more would be memory never used.
   */
  poolLoops: number;
  /** Also decode every answer with a free loop of phones, for the acoustic fit (see `fit`). */
  phoneLoop: boolean;
  /** Clean the audio with RNNoise before both decoders hear it. */
  denoise: boolean;
  /** Drop RNNoise from live streams while this far behind, ms, their other warps past half it and phone loops past twice it (`shedding`); 0: never. */
  shedLagMs: number;
  /**
   * Every stream's grammar search keeps at most this many HMMs per frame (PocketSphinx's
   * `maxhmmpf`, which narrows the beam frame by frame past it).
   */
  maxHmms: number;
  /** Live streams that start without the phone loop (under load) search at most this many; 0: as `maxHmms`. */
  busyMaxHmms: number;
  /**
   * Each stream is decoded with every one of these frequency warps at once (`warpArgs`), and
   * what the one whose grammar search scores best heard is its answer; the first alone while the
   * thread is behind (`shedding`), and the best so far kept when it falls behind mid-answer.
   */
  warps: number[];
  /** The best-scoring warp is kept once a stream has heard this much audio, ms; 0: at its end. */
  warpChooseMs: number;
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
   * the thread denoises at all); `warps`: also through the other warps (`WorkerSetup.warps`).
   * The engine turns them off under load, and so does the thread while it is behind the audio
   * of `realTime` streams.
   */
  | {
      t: 'open';
      id: number;
      loop: boolean;
      denoise: boolean;
      warps: boolean;
      grammar: string;
      realTime: boolean;
    }
  /** `sentAt`: the sender's clock (`Date.now()`) when the chunk left, for the thread's lag. */
  | { t: 'audio'; id: number; pcm: Float32Array; sentAt: number }
  | { t: 'end'; id: number };

export type FromWorker =
  /** The recognizer loaded (or could not be: a native library missing or refusing the model). */
  | { t: 'ready' }
  | { t: 'failed'; message: string }
  /** How many decoders (grammar searches and phone loops) the thread holds: they are kept. */
  | { t: 'decoders'; count: number }
  | { t: 'partial'; id: number; text: string }
  | {
      t: 'final';
      id: number;
      text: string;
      fit?: number;
      phones?: string[];
      /** How many phones the phone loop heard over the whole answer. */
      loopPhones?: number;
      /** Whether the phone loop heard the answer; absent when the engine has it turned off. */
      checked?: boolean;
      denoised: boolean;
      /** Real-time streams: how long the last chunk waited to be decoded, ms. */
      lagMs?: number;
      /** The frequency warp whose decoders' answer this is, when the thread decodes through several. */
      warp?: number;
    }
  | { t: 'error'; id: number; message: string };

// PocketSphinx as Debian's native library (libpocketsphinx3, 5prealpha), called through koffi,
// with the same 8 kHz model as the WebAssembly build. Loaded only in a recognition process of
// its own: the library calls exit() on a model it cannot read, which must not take Doorman down.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DoormanError } from '../errors.js';
import { CepstralMean } from './cepstral-mean.js';
import {
  type GrammarDecoder,
  PHONES,
  type PhoneLoopDecoder,
  type Recognizer,
  type RecognizerSetup,
  type TimedWord,
  warpArgs,
} from './recognizer.js';

/** The library PocketSphinx's own needs (loaded with it), where its configuration functions live. */
const BASE_LIBRARY = 'libsphinxbase.so.3';

type Ptr = unknown;
interface Api {
  psArgs(): Ptr;
  parse(inout: Ptr, defn: Ptr, argc: number, argv: string[], strict: number): Ptr;
  init(config: Ptr): Ptr;
  getConfig(ps: Ptr): Ptr;
  setInt(config: Ptr, name: string, value: number): void;
  addWord(ps: Ptr, word: string, phones: string, update: number): number;
  setJsgf(ps: Ptr, name: string, jsgf: string): number;
  setAllphone(ps: Ptr, name: string, lm: Ptr): number;
  setSearch(ps: Ptr, name: string): number;
  startStream(ps: Ptr): number;
  startUtt(ps: Ptr): number;
  processRaw(ps: Ptr, data: Int16Array, n: number, noSearch: number, fullUtt: number): number;
  endUtt(ps: Ptr): number;
  getHyp(ps: Ptr, score: number[]): string | null;
  segIter(ps: Ptr): Ptr;
  segNext(seg: Ptr): Ptr;
  segWord(seg: Ptr): string;
  segFrames(seg: Ptr, sf: number[], ef: number[]): void;
  /** The decoder's cepstral mean state (refused where the library's layout is not the one expected). */
  cmnOf(ps: Ptr): CmnState;
}

/** A decoder's live cepstral-mean state inside the library (sphinxbase's cmn_t). */
interface CmnState {
  /** Sets the mean the next frames are normalised with (and resets the library's running sums). */
  set(mean: Float32Array): void;
  /** The library's running sum of frames since the last set, and how many frames it holds. */
  read(): { sum: Float32Array; frames: number };
}

async function bind(library: string): Promise<Api> {
  const { default: koffi } = await import('koffi');
  let ps: ReturnType<typeof koffi.load>;
  let sb: ReturnType<typeof koffi.load>;
  try {
    ps = koffi.load(library);
    sb = koffi.load(BASE_LIBRARY);
  } catch (e) {
    throw new DoormanError(
      'NATIVE_ENGINE_MISSING',
      `${library} could not be loaded (Debian 12: apt install libpocketsphinx3): ${(e as Error).message}`,
    );
  }
  const getFeat = ps.func('void* ps_get_feat(void*)');
  const cmnLiveSet = sb.func('void cmn_live_set(void*, const float*)');
  // sphinxbase 5prealpha's feat_t up to its cmn_struct, and cmn_t (sphinxbase/feat.h, cmn.h).
  const featHead = koffi.struct('doorman_feat_head', {
    refcount: 'int',
    name: 'void*',
    cepsize: 'int32',
    n_stream: 'int32',
    stream_len: 'void*',
    window_size: 'int32',
    n_sv: 'int32',
    sv_len: 'void*',
    subvecs: 'void*',
    sv_buf: 'void*',
    sv_dim: 'int32',
    cmn: 'int',
    varnorm: 'int32',
    agc: 'int',
    compute_feat: 'void*',
    cmn_struct: 'void*',
  });
  const cmnT = koffi.struct('doorman_cmn', {
    cmn_mean: 'void*',
    cmn_var: 'void*',
    sum: 'void*',
    nframe: 'int32',
    veclen: 'int32',
  });
  const cmnOf = (decoder: Ptr): CmnState => {
    const feat = getFeat(decoder);
    const head = feat ? (koffi.decode(feat, featHead) as { cepsize: number; cmn_struct: Ptr }) : undefined;
    const cmn = head?.cepsize === CEPSTRA ? head.cmn_struct : null;
    const state = () => koffi.decode(cmn, cmnT) as { sum: Ptr; nframe: number; veclen: number };
    if (!cmn || state().veclen !== CEPSTRA)
      throw new DoormanError(
        'NATIVE_ENGINE_FAILED',
        `${library} is not the sphinxbase 5prealpha layout Doorman reads its cepstral mean from (Debian 12's libpocketsphinx3); use speech.soundswallower.runtime "wasm"`,
      );
    return {
      set: (mean) => cmnLiveSet(cmn, mean),
      read: () => {
        const st = state();
        return {
          sum: Float32Array.from(koffi.decode(st.sum, 'float', CEPSTRA) as number[]),
          frames: st.nframe,
        };
      },
    };
  };
  return {
    cmnOf,
    psArgs: ps.func('void* ps_args()'),
    parse: sb.func('void* cmd_ln_parse_r(void*, void*, int, const char**, int)'),
    init: ps.func('void* ps_init(void*)'),
    getConfig: ps.func('void* ps_get_config(void*)'),
    setInt: sb.func('void cmd_ln_set_int_r(void*, const char*, long)'),
    addWord: ps.func('int ps_add_word(void*, const char*, const char*, int)'),
    setJsgf: ps.func('int ps_set_jsgf_string(void*, const char*, const char*)'),
    setAllphone: ps.func('int ps_set_allphone(void*, const char*, void*)'),
    setSearch: ps.func('int ps_set_search(void*, const char*)'),
    startStream: ps.func('int ps_start_stream(void*)'),
    startUtt: ps.func('int ps_start_utt(void*)'),
    processRaw: ps.func('int ps_process_raw(void*, const int16_t*, size_t, int, int)'),
    endUtt: ps.func('int ps_end_utt(void*)'),
    getHyp: ps.func('const char* ps_get_hyp(void*, _Out_ int32_t*)'),
    segIter: ps.func('void* ps_seg_iter(void*)'),
    segNext: ps.func('void* ps_seg_next(void*)'),
    segWord: ps.func('const char* ps_seg_word(void*)'),
    segFrames: ps.func('void ps_seg_frames(void*, _Out_ int*, _Out_ int*)'),
  } as Api;
}

/** The model's front-end settings (its feat_params.json), as command-line arguments. */
function frontEnd(modelDir: string, sampleRate: number): string[] {
  const p = JSON.parse(readFileSync(join(modelDir, 'feat_params.json'), 'utf8')) as Record<
    string,
    string | number | boolean
  >;
  // The model's training tools name CMN modes the old way.
  const cmn = ({ current: 'batch', prior: 'live' } as Record<string, string>)[String(p.cmn)] ?? String(p.cmn);
  const yesNo = (v: unknown) => (v ? 'yes' : 'no');
  return [
    ...['-lowerf', String(p.lowerf), '-upperf', String(p.upperf), '-nfilt', String(p.nfilt)],
    ...['-transform', String(p.transform), '-lifter', String(p.lifter), '-feat', String(p.feat)],
    ...['-svspec', String(p.svspec), '-cmn', cmn, '-varnorm', yesNo(p.varnorm)],
    ...['-remove_noise', yesNo(p.remove_noise), '-samprate', String(sampleRate)],
    // The smallest FFT that holds a 25.6 ms window at this rate (the WebAssembly build works it out).
    ...['-nfft', String(2 ** Math.ceil(Math.log2(sampleRate * 0.025625)))],
    // Doorman finds the speech itself; this library's own voice detector would drop frames.
    ...['-remove_silence', 'no', '-logfn', '/dev/null'],
  ];
}

/** The phone loop's phone insertion penalty (see `phoneLoop`). */
const LOOP_PHONE_PENALTY = 0.2;

/** Cepstra per frame (the model's front end). */
const CEPSTRA = 13;

/**
 * The cepstral mean an answer starts from: the median of the answers' own means on the first
 * halves of both development corpora, with this model's front end. The library's default
 * (8 for c0, 0 for the rest) is far from any answer's.
 */
const ANSWER_MEAN_PRIOR = Float32Array.of(
  45.61,
  3.98,
  5.4,
  1.91,
  -4.32,
  -1.29,
  -9.38,
  1.96,
  -2.76,
  1.11,
  -0.59,
  0.84,
  -0.17,
);
/** The prior weighs as much as this many frames of the answer (1 s; 0.3 and 3 s did worse on those halves). */
const ANSWER_MEAN_PRIOR_FRAMES = 100;
/** Samples between updates of the answer's mean (100 ms at 8 kHz; far under the 300 frames that move the library's own window). */
const MEAN_STEP = 800;

/** Frames are 10 ms; the library numbers them on across utterances, so times start at the first. */
const FRAME_S = 0.01;

export async function loadPocketSphinx(setup: RecognizerSetup): Promise<Recognizer> {
  const api = await bind(setup.nativeLibrary);
  const base = [
    ...['-hmm', setup.modelDir, '-dict', setup.dict, '-fdict', join(setup.modelDir, 'noisedict.txt')],
    ...frontEnd(setup.modelDir, setup.sampleRate),
  ];
  const newDecoder = (search: string[], warp: number): Ptr => {
    const argv = [...base, ...search, ...Object.entries(warpArgs(warp)).flatMap(([k, v]) => [`-${k}`, v])];
    const config = api.parse(null, api.psArgs(), argv.length, argv, 1);
    const ps = config ? api.init(config) : null;
    if (!ps)
      throw new DoormanError('NATIVE_ENGINE_FAILED', `PocketSphinx refused its settings: ${argv.join(' ')}`);
    return ps;
  };
  return {
    name: 'native',
    async grammarDecoder({ beam, warp }) {
      const b = String(beam);
      return new NativeGrammarDecoder(
        api,
        newDecoder(['-beam', b, '-pbeam', b, '-wbeam', String(beam * 1e20)], warp),
      );
    },
    async phoneLoop({ warp }) {
      // The library's own phone loop over context-independent phones. Its phone penalty puts
      // the fit on the WebAssembly build's scale, so challenge.minAcousticFit and oneWordNameFit
      // mean the same for both: chosen on the first halves of both development corpora, where
      // the same share of answers then passes -50 with either build (README, Benchmarks).
      const ps = newDecoder(
        [
          ...['-allphone_ci', 'yes', '-beam', '1e-60', '-pbeam', '1e-60', '-wbeam', '1e-40'],
          ...['-pip', String(LOOP_PHONE_PENALTY)],
        ],
        warp,
      );
      if (api.setAllphone(ps, 'phones', null) < 0 || api.setSearch(ps, 'phones') < 0)
        throw new DoormanError('NATIVE_ENGINE_FAILED', 'PocketSphinx could not make its phone loop');
      return new NativePhoneLoop(api, ps);
    },
  };
}

class NativeUtterance {
  private readonly cmn: CmnState;
  constructor(
    protected readonly api: Api,
    protected readonly ps: Ptr,
  ) {
    this.cmn = api.cmnOf(ps);
  }
  private mean = new CepstralMean(ANSWER_MEAN_PRIOR, ANSWER_MEAN_PRIOR_FRAMES);
  /** Samples of this answer taken in so far. */
  private fed = 0;
  /** The library's input, reused: a piece is never longer than MEAN_STEP. */
  private readonly samples = new Int16Array(MEAN_STEP);
  start(): void {
    // A new stream: the front end's noise estimate starts from this answer, not the last caller's.
    this.api.startStream(this.ps);
    this.api.startUtt(this.ps);
    this.mean = new CepstralMean(ANSWER_MEAN_PRIOR, ANSWER_MEAN_PRIOR_FRAMES);
    this.cmn.set(this.mean.current);
    this.fed = 0;
  }
  process(pcm: Float32Array): void {
    // The mean moves at the same points of the answer however its audio was cut up (a worker
    // catching up takes it in larger pieces), so the same answer decodes the same.
    for (let from = 0; from < pcm.length; ) {
      const piece = pcm.subarray(from, from + MEAN_STEP - (this.fed % MEAN_STEP));
      for (let i = 0; i < piece.length; i++) {
        this.samples[i] = Math.max(-32768, Math.min(32767, Math.round((piece[i] as number) * 32768)));
      }
      this.api.processRaw(this.ps, this.samples, piece.length, 0, 0);
      from += piece.length;
      this.fed += piece.length;
      if (this.fed % MEAN_STEP === 0) {
        const { sum, frames } = this.cmn.read();
        this.mean.observe(sum, frames);
        this.cmn.set(this.mean.current);
      }
    }
  }
  stop(): void {
    this.api.endUtt(this.ps);
  }
  pathScore(): number {
    const score = [0];
    this.api.getHyp(this.ps, score);
    return score[0] as number;
  }
  /** The best path's segments, timed from the utterance's first frame. */
  protected segments(): TimedWord[] {
    const out: Array<{ t: string; sf: number; ef: number }> = [];
    for (let seg = this.api.segIter(this.ps); seg; seg = this.api.segNext(seg)) {
      const sf = [0];
      const ef = [0];
      this.api.segFrames(seg, sf, ef);
      out.push({ t: this.api.segWord(seg), sf: sf[0] as number, ef: ef[0] as number });
    }
    const first = out[0]?.sf ?? 0;
    return out.map((s) => ({ t: s.t, b: (s.sf - first) * FRAME_S, d: (s.ef - s.sf + 1) * FRAME_S }));
  }
}

class NativeGrammarDecoder extends NativeUtterance implements GrammarDecoder {
  addWords(words: ReadonlyArray<[string, string]>): void {
    for (const [word, phones] of words) this.api.addWord(this.ps, word, phones, 0);
  }
  setGrammar(jsgf: string, maxHmms: number): void {
    this.api.setInt(this.api.getConfig(this.ps), '-maxhmmpf', maxHmms);
    if (this.api.setJsgf(this.ps, 'grammar', jsgf) < 0 || this.api.setSearch(this.ps, 'grammar') < 0)
      throw new DoormanError('NATIVE_ENGINE_FAILED', 'PocketSphinx refused the grammar');
  }
  text(): string {
    return (this.api.getHyp(this.ps, [0]) ?? '').trim();
  }
  words(): TimedWord[] | undefined {
    return this.text() ? this.segments() : undefined;
  }
}

class NativePhoneLoop extends NativeUtterance implements PhoneLoopDecoder {
  phones(): TimedWord[] {
    const known = new Set(PHONES);
    return this.segments().filter((s) => known.has(s.t));
  }
}

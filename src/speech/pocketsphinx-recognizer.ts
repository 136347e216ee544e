// PocketSphinx as Debian's native library (libpocketsphinx3, 5prealpha), called through koffi,
// with the same 8 kHz model as the WebAssembly build. Loaded only in a recognition process of
// its own: the library calls exit() on a model it cannot read, which must not take Doorman down.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DoormanError } from '../errors.js';
import {
  type GrammarDecoder,
  PHONES,
  type PhoneLoopDecoder,
  type Recognizer,
  type RecognizerSetup,
  type TimedWord,
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
  startUtt(ps: Ptr): number;
  processRaw(ps: Ptr, data: Int16Array, n: number, noSearch: number, fullUtt: number): number;
  endUtt(ps: Ptr): number;
  getHyp(ps: Ptr, score: number[]): string | null;
  segIter(ps: Ptr): Ptr;
  segNext(seg: Ptr): Ptr;
  segWord(seg: Ptr): string;
  segFrames(seg: Ptr, sf: number[], ef: number[]): void;
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
  return {
    psArgs: ps.func('void* ps_args()'),
    parse: sb.func('void* cmd_ln_parse_r(void*, void*, int, const char**, int)'),
    init: ps.func('void* ps_init(void*)'),
    getConfig: ps.func('void* ps_get_config(void*)'),
    setInt: sb.func('void cmd_ln_set_int_r(void*, const char*, long)'),
    addWord: ps.func('int ps_add_word(void*, const char*, const char*, int)'),
    setJsgf: ps.func('int ps_set_jsgf_string(void*, const char*, const char*)'),
    setAllphone: ps.func('int ps_set_allphone(void*, const char*, void*)'),
    setSearch: ps.func('int ps_set_search(void*, const char*)'),
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

/** Frames are 10 ms; the library numbers them on across utterances, so times start at the first. */
const FRAME_S = 0.01;

export async function loadPocketSphinx(setup: RecognizerSetup): Promise<Recognizer> {
  const api = await bind(setup.nativeLibrary);
  const base = [
    ...['-hmm', setup.modelDir, '-dict', setup.dict, '-fdict', join(setup.modelDir, 'noisedict.txt')],
    ...frontEnd(setup.modelDir, setup.sampleRate),
  ];
  const newDecoder = (search: string[]): Ptr => {
    const argv = [...base, ...search];
    const config = api.parse(null, api.psArgs(), argv.length, argv, 1);
    const ps = config ? api.init(config) : null;
    if (!ps)
      throw new DoormanError('NATIVE_ENGINE_FAILED', `PocketSphinx refused its settings: ${argv.join(' ')}`);
    return ps;
  };
  return {
    name: 'native',
    async grammarDecoder({ beam }) {
      const b = String(beam);
      return new NativeGrammarDecoder(
        api,
        newDecoder(['-beam', b, '-pbeam', b, '-wbeam', String(beam * 1e20)]),
      );
    },
    async phoneLoop() {
      // The library's own phone loop over context-independent phones. Its phone penalty puts
      // the fit on the WebAssembly build's scale, so challenge.minAcousticFit and oneWordNameFit
      // mean the same for both: chosen on the first halves of both development corpora, where
      // the same share of answers then passes -50 with either build (README, Benchmarks).
      const ps = newDecoder([
        ...['-allphone_ci', 'yes', '-beam', '1e-60', '-pbeam', '1e-60', '-wbeam', '1e-40'],
        ...['-pip', String(LOOP_PHONE_PENALTY)],
      ]);
      if (api.setAllphone(ps, 'phones', null) < 0 || api.setSearch(ps, 'phones') < 0)
        throw new DoormanError('NATIVE_ENGINE_FAILED', 'PocketSphinx could not make its phone loop');
      return new NativePhoneLoop(api, ps);
    },
  };
}

class NativeUtterance {
  private samples = new Int16Array(0);
  constructor(
    protected readonly api: Api,
    protected readonly ps: Ptr,
  ) {}
  start(): void {
    this.api.startUtt(this.ps);
  }
  process(pcm: Float32Array): void {
    if (this.samples.length < pcm.length) this.samples = new Int16Array(pcm.length);
    for (let i = 0; i < pcm.length; i++) {
      this.samples[i] = Math.max(-32768, Math.min(32767, Math.round((pcm[i] as number) * 32768)));
    }
    this.api.processRaw(this.ps, this.samples, pcm.length, 0, 0);
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

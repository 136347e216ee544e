// RNNoise (Xiph's small recurrent network that keeps speech and drops steady noise: hiss, hum,
// line noise) in front of the embedded recogniser. Its acoustic model was trained on clean
// speech, so noise is its largest single cause of misheard names (bench/accuracy.ts, README).
// RNNoise works at 48 kHz in 10 ms frames: telephone audio is raised to 48 kHz, cleaned and
// brought back down, all in the recognition thread.
import createRnnoise from '@echogarden/rnnoise-wasm';
import { Downsampler, Upsampler } from './resample.js';

const RNNOISE_RATE = 48_000;
const FRAME = 480;
/** RNNoise expects 16-bit sample values, not [-1, 1]. */
const SCALE = 32_768;
/** What `finish` pushes through: RNNoise's one frame of delay and both filters' (about 3 ms). */
const FLUSH_SECONDS = 0.016;

interface RnnoiseModule {
  HEAPF32: Float32Array;
  _malloc(bytes: number): number;
  _rnnoise_create(model: number): number;
  _rnnoise_init(state: number, model: number): number;
  _rnnoise_process_frame(state: number, out: number, input: number): number;
}

/** One RNNoise state with its own frame buffers in the module's memory. */
interface State {
  state: number;
  input: number;
  output: number;
}

/**
 * The RNNoise module of one thread, with its states kept for reuse: like the decoders, a
 * WebAssembly module's memory never shrinks, so states are reset, not freed.
 */
export class Denoisers {
  private readonly idle: State[] = [];

  private constructor(private readonly module: RnnoiseModule) {}

  static async load(): Promise<Denoisers> {
    return new Denoisers((await createRnnoise()) as RnnoiseModule);
  }

  /** A stream of audio at `sampleRate` (a whole fraction of 48 kHz: 8 or 16 kHz). */
  open(sampleRate: number): DenoiseStream {
    if (!Number.isInteger(RNNOISE_RATE / sampleRate))
      throw new RangeError(`denoising needs a sample rate that divides 48000, not ${sampleRate}`);
    const m = this.module;
    let s = this.idle.pop();
    if (s) m._rnnoise_init(s.state, 0);
    else s = { state: m._rnnoise_create(0), input: m._malloc(FRAME * 4), output: m._malloc(FRAME * 4) };
    return new DenoiseStream(m, s, RNNOISE_RATE / sampleRate, (done) => this.idle.push(done));
  }
}

export class DenoiseStream {
  private readonly up: Upsampler;
  private readonly down: Downsampler;
  /** 48 kHz samples waiting for a whole frame. */
  private pending = new Float32Array(0);
  private released = false;

  constructor(
    private readonly module: RnnoiseModule,
    private readonly s: State,
    private readonly factor: number,
    private readonly onRelease: (s: State) => void,
  ) {
    this.up = new Upsampler(factor);
    this.down = new Downsampler(factor);
  }

  /** Cleaned audio (samples in [-1, 1], the stream's rate), 10 ms and a little later than `pcm`. */
  process(pcm: Float32Array): Float32Array {
    if (this.released) throw new Error('denoise stream already released');
    const raised = this.up.process(pcm);
    const all = new Float32Array(this.pending.length + raised.length);
    all.set(this.pending);
    all.set(raised, this.pending.length);
    const whole = all.length - (all.length % FRAME);
    for (let i = 0; i < whole; i++) (all[i] as number) *= SCALE;
    const cleaned = new Float32Array(whole);
    const m = this.module;
    const input = this.s.input >> 2;
    const output = this.s.output >> 2;
    for (let at = 0; at < whole; at += FRAME) {
      // The views are taken again for every frame: the module's memory may have grown.
      m.HEAPF32.set(all.subarray(at, at + FRAME), input);
      m._rnnoise_process_frame(this.s.state, this.s.output, this.s.input);
      cleaned.set(m.HEAPF32.subarray(output, output + FRAME), at);
    }
    for (let i = 0; i < whole; i++) (cleaned[i] as number) /= SCALE;
    this.pending = all.slice(whole);
    return this.down.process(cleaned);
  }

  /** What is still inside the filters and RNNoise once the audio has ended. */
  finish(): Float32Array {
    const rate = RNNOISE_RATE / this.factor;
    return this.process(new Float32Array(Math.ceil(FLUSH_SECONDS * rate)));
  }

  /** Gives the state back for the next stream; safe to call more than once. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease(this.s);
  }
}

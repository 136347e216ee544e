import type { SpeechEngine, SpeechResult, SpeechStream, StreamOptions } from '../../src/speech/engine.js';

export type EngineFault = 'none' | 'stall' | 'throw-on-open' | 'throw-mid-stream';

/**
 * Fault injection around the real engine: while `fault` is `none` every stream is the real
 * one; otherwise new streams stall (never give a result) or fail, as a hung or crashed cloud
 * engine would.
 */
export class FaultyEngine implements SpeechEngine {
  fault: EngineFault = 'none';
  readonly name: string;
  readonly capabilities: SpeechEngine['capabilities'];

  constructor(private readonly real: SpeechEngine) {
    this.name = `faulty(${real.name})`;
    this.capabilities = real.capabilities;
  }

  open(opts: StreamOptions): SpeechStream {
    if (this.fault === 'none') return this.real.open(opts);
    if (this.fault === 'throw-on-open') throw new Error('injected: the speech engine refused the stream');
    const fault = this.fault;
    return {
      write() {},
      end() {},
      results(): AsyncIterable<SpeechResult> {
        return {
          [Symbol.asyncIterator]: () => ({
            next: () =>
              fault === 'stall'
                ? new Promise<IteratorResult<SpeechResult>>((resolve) => {
                    // Stalled for good; only the caller's own deadline (or hanging up) ends it.
                    opts.signal.addEventListener('abort', () => resolve({ done: true, value: undefined }), {
                      once: true,
                    });
                  })
                : Promise.reject(new Error('injected: the speech engine failed mid-stream')),
          }),
        };
      },
    };
  }

  close(): Promise<void> {
    return this.real.close();
  }
}

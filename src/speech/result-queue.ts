import { DoormanError } from '../errors.js';
import type { SpeechResult } from './engine.js';

/**
 * Results an engine produces on its own schedule, read by the stream's consumer as an async
 * iterator that ends after the final result, or throws once the engine has failed.
 */
export class ResultQueue {
  private readonly queue: SpeechResult[] = [];
  private wake: (() => void) | undefined;
  private failure: unknown;

  constructor(private readonly engine: string) {}

  get failed(): boolean {
    return this.failure !== undefined;
  }

  push(r: SpeechResult): void {
    this.queue.push(r);
    this.wake?.();
  }

  fail(e: unknown): void {
    this.failure ??= e ?? new Error('unknown failure');
    this.wake?.();
  }

  async *iterate(): AsyncIterable<SpeechResult> {
    for (;;) {
      const r = this.queue.shift();
      if (r) {
        yield r;
        if (r.final) return;
        continue;
      }
      if (this.failure !== undefined) {
        throw new DoormanError(
          'SPEECH_FAILED',
          `${this.engine} recognition failed: ${String(this.failure)}`,
          {},
          { cause: this.failure },
        );
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }
}

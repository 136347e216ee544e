/** Hands a stream its values and ends it; returns what unsubscribes from the source. */
export type StreamSource<T> = (push: (value: T) => void, end: (error?: unknown) => void) => () => void;

/**
 * Values a source pushes (keys a caller presses, audio frames), read with `for await`. Nothing
 * pushed is lost while the reader is busy. It ends when the reader stops (`close()`, or leaving
 * the loop), when the source ends it (then a pending or later read throws the source's error,
 * if it gave one), or when `signal` aborts (the read throws its reason).
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly onAbort: () => void;

  constructor(
    source: StreamSource<T>,
    private readonly signal?: AbortSignal,
  ) {
    this.onAbort = () => this.end(signal?.reason);
    const off = source(
      (v) => this.push(v),
      (e) => this.end(e),
    );
    // A source may end the stream while subscribing (a media leg already closed).
    if (this.ended) off();
    else this.unsubscribe = off;
    if (signal?.aborted) this.onAbort();
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.queue.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /** Called by `for await` when the loop is left early (break, return, throw). */
  async return(): Promise<IteratorResult<T>> {
    this.close();
    return { value: undefined, done: true };
  }

  /** The reader is done: the source is let go, what is queued dropped, a pending read ends. */
  close(): void {
    this.queue.length = 0;
    this.end();
  }

  private push(value: T): void {
    if (this.ended) return;
    const w = this.waiting;
    if (!w) {
      this.queue.push(value);
      return;
    }
    this.waiting = undefined;
    w.resolve({ value, done: false });
  }

  private end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    if (error !== undefined) this.failure = { error };
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.signal?.removeEventListener('abort', this.onAbort);
    const w = this.waiting;
    this.waiting = undefined;
    if (!w) return;
    if (this.failure) w.reject(this.failure.error);
    else w.resolve({ value: undefined, done: true });
  }
}

import { TimeoutError } from '../errors.js';
import type { AriEvent } from '../telephony/ari-types.js';

interface Waiter {
  match: (e: AriEvent) => boolean;
  resolve: (e: AriEvent) => void;
}

/**
 * Lets a call's steps await the ARI event they need ("this playback finished", "the media
 * channel entered Stasis") with a deadline, and gives up at once when the call is aborted.
 * Register before sending the request that causes the event: some arrive before the reply.
 */
export class EventWaiters {
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<(e: AriEvent) => void>();

  dispatch(event: AriEvent): void {
    for (const l of this.listeners) l(event);
    for (const w of this.waiters) {
      if (w.match(event)) {
        this.waiters.delete(w);
        w.resolve(event);
      }
    }
  }

  /** Every event until the returned function is called: for streams of events (key presses) none may be missed. */
  listen(fn: (e: AriEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  wait(
    match: (e: AriEvent) => boolean,
    timeoutMs: number,
    what: string,
    signal: AbortSignal,
  ): Promise<AriEvent> {
    const p = new Promise<AriEvent>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiters.delete(w);
      };
      const w: Waiter = {
        match,
        resolve: (e) => {
          done();
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        done();
        reject(new TimeoutError(`waiting for ${what}`, timeoutMs));
      }, timeoutMs);
      const onAbort = () => {
        done();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(w);
    });
    // Callers may await it only after sending their request; never an unhandled rejection meanwhile.
    p.catch(() => {});
    return p;
  }
}

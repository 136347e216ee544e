import type { CallChannel } from './call-channel.js';

export interface KeyWait {
  /** The first accepted key, or null when none came in time. Rejects as the call ends (hang-up). */
  readonly key: Promise<string | null>;
  /** Resolves at the first accepted key (never otherwise): a prompt's `stopWhen`. */
  readonly pressed: Promise<void>;
  /** Stops listening; call it on every path. */
  stop(): void;
}

/**
 * Waits for one key the caller presses, from now on (keys pressed over a prompt count), that
 * `accept` takes, for at most `ms`.
 */
export function waitForKey(
  channel: Pick<CallChannel, 'onKey' | 'signal'>,
  accept: (digit: string) => boolean,
  ms: number,
): KeyWait {
  const { signal } = channel;
  let stop = () => {};
  let onPressed = () => {};
  const pressed = new Promise<void>((resolve) => {
    onPressed = resolve;
  });
  const key = new Promise<string | null>((resolve, reject) => {
    const timer = setTimeout(() => resolve(null), ms);
    const onAbort = () => reject(signal.reason);
    const off = channel.onKey((digit) => {
      if (!accept(digit)) return;
      onPressed();
      resolve(digit);
    });
    stop = () => {
      clearTimeout(timer);
      off();
      signal.removeEventListener('abort', onAbort);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  key.then(stop, stop);
  return { key, pressed, stop: () => stop() };
}

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
  channel: Pick<CallChannel, 'keys'>,
  accept: (digit: string) => boolean,
  ms: number,
): KeyWait {
  const keys = channel.keys();
  let onPressed = () => {};
  const pressed = new Promise<void>((resolve) => {
    onPressed = resolve;
  });
  // Closing the stream at the deadline ends the loop with no key.
  const timer = setTimeout(() => keys.close(), ms);
  const stop = () => {
    clearTimeout(timer);
    keys.close();
  };
  const key = (async () => {
    for await (const digit of keys) {
      if (!accept(digit)) continue;
      onPressed();
      return digit;
    }
    return null;
  })();
  key.then(stop, stop);
  return { key, pressed, stop };
}

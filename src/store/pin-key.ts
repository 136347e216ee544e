import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { PinSets } from './pin-sets.js';
import type { Store } from './store.js';

/** Shorter keys are guessable; the file is meant to hold random bytes. */
const MIN_KEY_BYTES = 16;

/** The key in `pins.keyFile`, or none when it names no file. */
export function readPinKey(file: string): Buffer | undefined {
  if (!file) return undefined;
  let key: Buffer;
  try {
    key = readFileSync(file);
  } catch (e) {
    throw new ConfigError(
      'pins.keyFile',
      `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      file,
    );
  }
  if (key.length < MIN_KEY_BYTES)
    throw new ConfigError(
      'pins.keyFile',
      `holds ${key.length} bytes; a key needs at least ${MIN_KEY_BYTES} (head -c 32 /dev/urandom > ${file})`,
      file,
    );
  return key;
}

/** The PIN sets, with the key `pins.keyFile` names. */
export function openPinSets(store: Store, pins: { keyFile: string }): PinSets {
  return new PinSets(store, readPinKey(pins.keyFile));
}

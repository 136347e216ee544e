import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { DoormanError } from '../errors.js';

/** A PIN or PIN set input that cannot be stored; the message says why (never the PIN itself). */
export class PinError extends DoormanError {}

/** What a PIN may be: what a phone keypad can send, bounded. */
export const PIN_PATTERN = /^[0-9*]{3,16}$/;
/** Labels become CHANNEL(accountcode) (80 characters in Asterisk) and CDR fields. */
const LABEL_PATTERN = /^[\p{L}\p{N} ._@:/+-]{1,80}$/u;
const SET_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function validatePin(pin: string): void {
  if (!PIN_PATTERN.test(pin)) throw new PinError('PIN_INVALID', 'a PIN is 3 to 16 keypad digits (0-9 and *)');
}

export function validateLabel(label: string): void {
  if (!LABEL_PATTERN.test(label))
    throw new PinError(
      'PIN_LABEL_INVALID',
      `label "${label.slice(0, 40)}" must be 1-80 letters, digits, spaces or . _ @ : / + -`,
      { label: label.slice(0, 80) },
    );
}

export function validateSetName(name: string): void {
  if (!SET_NAME_PATTERN.test(name))
    throw new PinError(
      'PIN_SET_NAME_INVALID',
      `PIN set name "${name.slice(0, 40)}" must be lower-case letters, digits, _ and - (up to 64)`,
    );
}

/**
 * The form a PIN is stored and looked up in: an HMAC keyed by its set's salt, sealed (where a
 * key is given) by a second HMAC keyed by a secret kept outside the database (pins.keyFile).
 * The salt alone sits beside the hashes: a copy of the database gives a PIN of a few digits
 * away by trying them all, unless the key is not in it.
 */
export function pinHash(salt: string, pin: string, key?: Buffer): string {
  const salted = createHmac('sha256', salt).update(pin).digest('hex');
  return key ? sealHash(key, salted) : salted;
}

/** Seals a salted hash with the key: what `doorman pins seal` does to the hashes already stored. */
export function sealHash(key: Buffer, salted: string): string {
  return createHmac('sha256', key).update(salted).digest('hex');
}

/** The fingerprint a set keeps of the key its hashes are sealed with (not the key: a SHA-256 of it). */
export function keyFingerprint(key: Buffer): string {
  return createHash('sha256').update('doorman pin key\n').update(key).digest('hex').slice(0, 32);
}

/** Compares a stored hash with the hash of what was entered, in constant time. */
export function hashMatches(stored: string, salt: string, entered: string, key?: Buffer): boolean {
  const a = Buffer.from(stored, 'hex');
  const b = Buffer.from(pinHash(salt, entered, key), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface LockoutPolicy {
  /** Wrong PINs that lock a caller out... */
  failures: number;
  /** ...within this window; the lock lifts as the failures age out of it. */
  windowMinutes: number;
}

/** The moment a caller's lockout ends, or null when they may try: pure over their failure times. */
export function lockedUntil(failureTimes: readonly Date[], policy: LockoutPolicy, now: Date): Date | null {
  const windowMs = policy.windowMinutes * 60_000;
  const recent = failureTimes
    .filter((t) => now.getTime() - t.getTime() < windowMs)
    .sort((a, b) => a.getTime() - b.getTime());
  if (recent.length < policy.failures) return null;
  // Locked until enough of them have left the window to bring the count under the limit.
  const freeing = recent[recent.length - policy.failures] as Date;
  return new Date(freeing.getTime() + windowMs);
}

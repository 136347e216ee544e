import { z } from 'zod';
import { ms } from './units.js';

// `pins`, and how a PIN is typed (shared by route.pin and outboundPin).

/** How a PIN is asked for and typed. */
export const pinEntry = {
  /** Digits in a PIN; 0: any length, ended with `#` (a fixed-length entry also ends early at `#`). */
  length: z.number().int().min(0).max(16).default(0),
  /** Tries, wrong or empty, before the caller is routed on. */
  attempts: z.number().int().min(1).max(10).default(3),
  firstDigitMs: ms(1_000, 60_000, 6_000),
  interDigitMs: ms(500, 30_000, 3_000),
  totalMs: ms(2_000, 120_000, 20_000),
  prompt: z.string().min(1).default('doorman/enter-pin'),
  wrongPrompt: z.string().min(1).default('doorman/wrong-pin'),
};

export const pins = z
  .object({
    /** Wrong PINs from one number (or extension) that lock it out, across calls... */
    lockoutFailures: z.number().int().min(1).max(100).default(5),
    /** ...within this many minutes; the lock lifts as they age out. */
    lockoutWindowMinutes: z.number().int().min(1).max(10_080).default(15),
    /**
     * Wrong PINs for one PIN set, from any numbers, within the same window: past this the set
     * asks nobody (its callers go to the route's unknown destination) until they age out. A
     * guesser who changes caller ID every call is stopped here, not by the per-number lock.
     */
    setLockoutFailures: z.number().int().min(1).max(10_000).default(30),
    /**
     * A file holding a secret (at least 16 bytes; `head -c 32 /dev/urandom > pin.key`) that seals
     * the PIN hashes, kept out of the database: a copy of the database then does not give the
     * PINs away. Every Doorman sharing the database needs the same file. Empty: hashes keyed by
     * their set's salt alone (`doorman doctor` warns).
     */
    keyFile: z.string().default(''),
  })
  .strict()
  .prefault({});

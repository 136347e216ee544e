import { InvalidInputError } from '../errors.js';
import type { DirectoryEntry } from './directory.js';
import { type NumberRule, validateNumberRule } from './number-rules.js';

/**
 * "I'm expecting a call back from my bank": a temporary pass holding a few words a caller may
 * name ("Chase", "pharmacy") and/or the prefix of the numbers they may call from, where such a
 * caller goes, and when the pass ends. While it lives its words are a directory entry of their
 * own (a caller who names them is put through and allowlisted until the same time) and its
 * prefix an allow rule to its destination; nobody else gains anything.
 */
export interface ExpectedCaller {
  id: string;
  words: string[];
  /** `+1800`: callers from these numbers are let in, to the destination, while the pass lives. */
  numberPrefix: string | null;
  destination: string;
  /** ISO time. */
  expiresAt: string;
  note: string | null;
}

/** A pass's directory entry and allow rule are `expected-<pass id>`. */
const PASS_ID_PREFIX = 'expected-';

const MAX_WORDS = 5;
const WORDS = /^[\p{L}][\p{L}'’ .&-]{0,59}$/u;
/** The longest a pass may live: a callback is hours or days away, not months. */
export const MAX_PASS_HOURS = 24 * 14;

/** Refuses words the grammar could not hold, too many, and a pass with neither words nor a prefix. */
export function validateExpectedWords(
  words: readonly string[],
  numberPrefix: string | null = null,
): string[] {
  const clean = words.map((w) => w.trim().replace(/\s+/g, ' ')).filter(Boolean);
  if (numberPrefix !== null) validateNumberRule({ kind: 'prefix', pattern: numberPrefix });
  if (!clean.length && numberPrefix === null)
    throw new InvalidInputError(
      'EXPECTED_WORDS',
      'an expected caller needs words to be named by, or a number prefix',
    );
  if (clean.length > MAX_WORDS)
    throw new InvalidInputError(
      'EXPECTED_WORDS',
      `an expected caller takes at most ${MAX_WORDS} ways to be named`,
    );
  for (const w of clean)
    if (!WORDS.test(w))
      throw new InvalidInputError(
        'EXPECTED_WORDS',
        `"${w.slice(0, 60)}": letters, spaces and ' . & - only, up to 60`,
      );
  return clean;
}

/** The allow rule a live pass with a number prefix adds. */
export function passRule(pass: ExpectedCaller): NumberRule | null {
  if (pass.numberPrefix === null) return null;
  const { destination } = pass;
  return {
    id: `${PASS_ID_PREFIX}${pass.id}`,
    list: 'allow',
    kind: 'prefix',
    pattern: pass.numberPrefix,
    destination,
  };
}

/** The directory entry a live pass with words adds: its first words as the name, the rest as aliases. */
export function passEntry(pass: ExpectedCaller): DirectoryEntry {
  const [name = '', ...aliases] = pass.words;
  return {
    id: `${PASS_ID_PREFIX}${pass.id}`,
    type: 'department',
    name,
    aliases,
    sounds_like: [],
    destination: pass.destination,
    enabled: true,
  };
}

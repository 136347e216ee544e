import { InvalidInputError } from '../errors.js';
import type { DirectoryEntry } from './directory.js';

/**
 * "I'm expecting a call back from my bank": a temporary pass holding a few words a caller may
 * name ("Chase", "pharmacy"), where such a caller goes, and when the pass ends. While it lives
 * its words are a directory entry of their own; a caller who names them is put through and
 * allowlisted until the same time; nobody else gains anything.
 */
export interface ExpectedCaller {
  id: string;
  words: string[];
  destination: string;
  /** ISO time. */
  expiresAt: string;
  note: string | null;
}

const MAX_WORDS = 5;
const WORDS = /^[\p{L}][\p{L}'’ .&-]{0,59}$/u;
/** The longest a pass may live: a callback is hours or days away, not months. */
export const MAX_PASS_HOURS = 24 * 14;

/** Refuses words the grammar could not hold, and a pass with none or too many. */
export function validateExpectedWords(words: readonly string[]): string[] {
  const clean = words.map((w) => w.trim().replace(/\s+/g, ' ')).filter(Boolean);
  if (!clean.length)
    throw new InvalidInputError('EXPECTED_WORDS', 'an expected caller needs a word to be named by');
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

/** The directory entry a live pass adds: its first words as the name, the rest as aliases. */
export function passEntry(pass: ExpectedCaller): DirectoryEntry {
  const [name = '', ...aliases] = pass.words;
  return {
    id: `expected-${pass.id}`,
    type: 'department',
    name,
    aliases,
    sounds_like: [],
    destination: pass.destination,
    enabled: true,
  };
}

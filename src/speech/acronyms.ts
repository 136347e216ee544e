import type { DirectoryEntry } from '../match/directory.js';

/** How each letter is said, in ARPAbet (US English). */
const LETTERS: Record<string, string[]> = {
  a: ['EY'],
  b: ['B', 'IY'],
  c: ['S', 'IY'],
  d: ['D', 'IY'],
  e: ['IY'],
  f: ['EH', 'F'],
  g: ['JH', 'IY'],
  h: ['EY', 'CH'],
  i: ['AY'],
  j: ['JH', 'EY'],
  k: ['K', 'EY'],
  l: ['EH', 'L'],
  m: ['EH', 'M'],
  n: ['EH', 'N'],
  o: ['OW'],
  p: ['P', 'IY'],
  q: ['K', 'Y', 'UW'],
  r: ['AA', 'R'],
  s: ['EH', 'S'],
  t: ['T', 'IY'],
  u: ['Y', 'UW'],
  v: ['V', 'IY'],
  w: ['D', 'AH', 'B', 'AH', 'L', 'Y', 'UW'],
  x: ['EH', 'K', 'S'],
  y: ['W', 'AY'],
  z: ['Z', 'IY'],
};

/**
 * Words a directory writes in capitals ("AR", "HR", "IT"): callers spell them out, letter by
 * letter, whatever the dictionary says "ar" or "it" sounds like. Lower case, as grammar words are.
 */
export function acronymsOf(entries: readonly DirectoryEntry[]): Set<string> {
  const found = new Set<string>();
  for (const e of entries) {
    for (const text of [e.name, ...e.aliases, ...e.sounds_like]) {
      for (const token of text.split(/[^A-Za-z]+/)) {
        if (/^[A-Z]{2,5}$/.test(token)) found.add(token.toLowerCase());
      }
    }
  }
  return found;
}

/** An acronym said letter by letter ("ar": EY AA R). */
export function spelledOut(word: string): string[] {
  return [...word].flatMap((c) => LETTERS[c] ?? []);
}

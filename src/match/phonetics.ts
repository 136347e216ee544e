import { createRequire } from 'node:module';
import { type Lexicon, NO_LEXICON, phoneSimilarity } from './pronunciation.js';

// natural's root module pulls in storage back-ends whose dotenv prints on stdout at import;
// its phonetics and distance modules are pure and import cleanly on their own.
const require = createRequire(import.meta.url);
interface Encoder {
  process(word: string): string;
}
const phonetics = require('natural/lib/natural/phonetics/index.js') as {
  SoundEx: new () => Encoder;
  Metaphone: new () => Encoder;
  DoubleMetaphone: new () => { process(word: string): [string, string] };
};
const distance = require('natural/lib/natural/distance/index.js') as {
  JaroWinklerDistance(a: string, b: string, options?: object): number;
  LevenshteinDistance(a: string, b: string): number;
};

const soundex = new phonetics.SoundEx();
const doubleMetaphone = new phonetics.DoubleMetaphone();

/** The phonetic codes of one word, computed once per word and reused for every comparison. */
export interface WordCodes {
  word: string;
  /** Dictionary pronunciations, when the lexicon knows the word. */
  phones: readonly (readonly string[])[];
  metaphone: [string, string];
  soundex: string;
}

export function codes(word: string, lexicon: Lexicon = NO_LEXICON): WordCodes {
  const letters = word.replace(/[^a-z]/g, '');
  return {
    word: letters,
    phones: letters ? lexicon.pronunciations(letters) : [],
    metaphone: letters ? doubleMetaphone.process(letters) : ['', ''],
    soundex: letters ? soundex.process(letters) : '',
  };
}

export const jaroWinkler = (a: string, b: string): number =>
  a && b ? distance.JaroWinklerDistance(a, b, {}) : 0;

/** 1 - normalised edit distance. */
export function levenshteinSimilarity(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  return n === 0 ? 1 : 1 - distance.LevenshteinDistance(a, b) / n;
}

/**
 * How alike two words sound, 0..1. With dictionary pronunciations for both, it is the phone
 * similarity, so homophones ("Ann"/"Anne", "Lee"/"Leigh") score 1 however they are spelt while
 * near-homophones ("Walsh"/"Welsh") stay apart. Without, Double Metaphone and spelling
 * similarity stand in: equal sound codes score high but below 1, since metaphone ignores vowels.
 */
export function wordSimilarity(a: WordCodes, b: WordCodes): number {
  if (!a.word || !b.word) return 0;
  if (a.word === b.word) return 1;
  if (a.phones.length && b.phones.length) {
    let best = 0;
    for (const pa of a.phones) for (const pb of b.phones) best = Math.max(best, phoneSimilarity(pa, pb));
    return best;
  }
  const spelling = Math.max(jaroWinkler(a.word, b.word), levenshteinSimilarity(a.word, b.word));
  const [a1, a2] = a.metaphone;
  const [b1, b2] = b.metaphone;
  if (a1 && (a1 === b1 || a1 === b2 || (a2 && (a2 === b1 || a2 === b2)))) return 0.9 + 0.1 * spelling;
  const sound = Math.max(
    jaroWinkler(a1, b1),
    levenshteinSimilarity(a1, b1),
    a2 && b2 ? levenshteinSimilarity(a2, b2) : 0,
  );
  const floor = a.soundex === b.soundex ? 0.75 : 0;
  return Math.max(floor, 0.5 * spelling + 0.5 * sound);
}

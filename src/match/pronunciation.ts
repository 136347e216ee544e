/** Pronunciations of words as ARPAbet phone lists (the CMU dictionary's phone set). */
export interface Lexicon {
  /** Every known pronunciation of a (normalised) word; empty when the word is unknown. */
  pronunciations(word: string): readonly (readonly string[])[];
}

export const NO_LEXICON: Lexicon = { pronunciations: () => [] };

const VOWELS = new Set([
  'AA',
  'AE',
  'AH',
  'AO',
  'AW',
  'AY',
  'EH',
  'ER',
  'EY',
  'IH',
  'IY',
  'OW',
  'OY',
  'UH',
  'UW',
]);
/** Consonants that callers, codecs and recognisers confuse with each other. */
const NEAR: string[][] = [
  ['P', 'B'],
  ['T', 'D'],
  ['K', 'G'],
  ['F', 'V'],
  ['F', 'TH'],
  ['S', 'Z'],
  ['S', 'SH'],
  ['SH', 'ZH'],
  ['SH', 'CH'],
  ['CH', 'JH'],
  ['TH', 'DH'],
  ['M', 'N'],
  ['N', 'NG'],
  ['L', 'R'],
  ['W', 'V'],
  ['Y', 'IY'],
];
const near = new Set(NEAR.flatMap(([a, b]) => [`${a} ${b}`, `${b} ${a}`]));

function substitution(a: string, b: string): number {
  if (a === b) return 0;
  if (VOWELS.has(a) && VOWELS.has(b)) return 0.4;
  return near.has(`${a} ${b}`) ? 0.5 : 1;
}
/** Unstressed vowels come and go in fast speech; consonants less so. */
const indel = (p: string) => (VOWELS.has(p) ? 0.6 : 1);

/** 1 - weighted edit distance / length: 1 for the same phones, near 0 for unrelated ones. */
export function phoneSimilarity(a: readonly string[], b: readonly string[]): number {
  if (!a.length || !b.length) return 0;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  prev[0] = 0;
  for (let j = 1; j <= b.length; j++) prev[j] = (prev[j - 1] as number) + indel(b[j - 1] as string);
  for (let i = 1; i <= a.length; i++) {
    const pa = a[i - 1] as string;
    cur[0] = (prev[0] as number) + indel(pa);
    for (let j = 1; j <= b.length; j++) {
      const pb = b[j - 1] as string;
      cur[j] = Math.min(
        (prev[j - 1] as number) + substitution(pa, pb),
        (prev[j] as number) + indel(pa),
        (cur[j - 1] as number) + indel(pb),
      );
    }
    [prev, cur] = [cur, prev];
  }
  return Math.max(0, 1 - (prev[b.length] as number) / Math.max(a.length, b.length));
}

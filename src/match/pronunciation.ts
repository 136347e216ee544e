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
/** Unstressed vowels come and go in fast speech; consonants less so (the cheapest indel). */
const VOWEL_INDEL = 0.6;
const indel = (p: string) => (VOWELS.has(p) ? VOWEL_INDEL : 1);

/**
 * The most `phoneSimilarity` can give two phone lists of these lengths: each phone one has more
 * than the other costs at least the cheapest deletion (an unstressed vowel's).
 */
export function phoneSimilarityBound(a: number, b: number): number {
  return 1 - (VOWEL_INDEL * Math.abs(a - b)) / Math.max(a, b, 1);
}

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

const consonants = (p: readonly string[]) => p.filter((x) => !VOWELS.has(x)).length;

/** Each consonant's class: consonants linked by `NEAR` (directly or through others) share one. */
const CONSONANT_CLASS = (() => {
  const cls = new Map<string, string>();
  const find = (x: string): string => {
    const up = cls.get(x) ?? x;
    return up === x ? x : find(up);
  };
  for (const [a, b] of NEAR)
    if (!VOWELS.has(a as string) && !VOWELS.has(b as string)) cls.set(find(a as string), find(b as string));
  return (x: string) => find(x);
})();

/** The consonants of a reading, near ones alike: readings much alike share it. */
const skeleton = (p: readonly string[]) =>
  p
    .filter((x) => !VOWELS.has(x))
    .map(CONSONANT_CLASS)
    .join(' ');

/**
 * Readings of many words, found by their consonant skeleton: asking whether some other word
 * sounds like a reading compares it with the few sharing its skeleton, not with every word (a
 * directory of thousands of names would otherwise take minutes). Readings alike in all but a
 * consonant of another class are not found; the price of that speed.
 */
export class ReadingIndex {
  private readonly bySkeleton = new Map<string, Array<{ word: string; phones: readonly string[] }>>();

  add(word: string, phones: readonly string[]): void {
    const key = skeleton(phones);
    const list = this.bySkeleton.get(key);
    if (list) list.push({ word, phones });
    else this.bySkeleton.set(key, [{ word, phones }]);
  }

  /** Whether a word other than `except` has a reading at least `limit` (0..1) like `phones`. */
  hasLike(phones: readonly string[], limit: number, except: string): boolean {
    return (this.bySkeleton.get(skeleton(phones)) ?? []).some(
      (r) => r.word !== except && phoneSimilarity(r.phones, phones) >= limit,
    );
  }
}

/**
 * Which of a word's further readings (a name as other languages read it: `candidates`, one a
 * language) to take, in order: for a word spelled the way a language spells (`marked`: Niamh
 * is Irish, and no other language reads it "Neeve"), that language's reading alone; for any
 * other, one that another language reads much the same (one language's odd rule, Spanish
 * "John" as "hone", is not how people say the name); and of those, one unlike the readings the word already has (a near copy only costs
 * search time), unlike every other word's in `others` (it would make two names sound the same),
 * and with no fewer consonants than the word has already (a reading that drops them, "Haddad"
 * as "ada", fits any vowelly sound: a greeting, another name). Pure.
 */
export function distinctReadings(
  word: string,
  candidates: readonly { language: string; phones: readonly string[] }[],
  own: readonly (readonly string[])[],
  others: ReadingIndex,
  marked: readonly string[] = [],
  limits = { own: 0.85, others: 0.75, agree: 0.8 },
): string[][] {
  const kept: string[][] = [];
  const mine = [...own];
  const fewest = Math.min(...own.map(consonants));
  for (const { language, phones: c } of candidates) {
    if (consonants(c) < fewest) continue;
    if (marked.length) {
      if (!marked.includes(language)) continue;
    } else if (!candidates.some((o) => o.phones !== c && phoneSimilarity(o.phones, c) >= limits.agree))
      continue;
    if (mine.some((p) => phoneSimilarity(c, p) >= limits.own)) continue;
    if (others.hasLike(c, limits.others, word)) continue;
    kept.push([...c]);
    mine.push(c);
  }
  return kept;
}

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

/**
 * Phones as small numbers and their costs in tables, filled from `substitution` and `indel`
 * as phones are first seen: the edit distance runs for every reading of every entry against
 * each answer, and comparing phone strings there cost more than the recognition itself at
 * 1,000 entries.
 */
const TABLE_PHONES = 256;
const phoneIds = new Map<string, number>();
const phoneOfId: string[] = [];
const substitutionTable = new Float64Array(TABLE_PHONES * TABLE_PHONES).fill(-1);
const indelTable = new Float64Array(TABLE_PHONES);
const encoded = new WeakMap<readonly string[], Int32Array>();

function idOf(phone: string): number {
  let id = phoneIds.get(phone);
  if (id === undefined) {
    id = phoneOfId.length;
    phoneIds.set(phone, id);
    phoneOfId.push(phone);
    if (id < TABLE_PHONES) indelTable[id] = indel(phone);
  }
  return id;
}

function encode(phones: readonly string[]): Int32Array {
  let ids = encoded.get(phones);
  if (!ids) {
    ids = Int32Array.from(phones, idOf);
    encoded.set(phones, ids);
  }
  return ids;
}

const indelOf = (id: number) =>
  id < TABLE_PHONES ? (indelTable[id] as number) : indel(phoneOfId[id] as string);

function substitutionOf(a: number, b: number): number {
  if (a === b) return 0;
  if (a >= TABLE_PHONES || b >= TABLE_PHONES)
    return substitution(phoneOfId[a] as string, phoneOfId[b] as string);
  const k = a * TABLE_PHONES + b;
  let cost = substitutionTable[k] as number;
  if (cost < 0) {
    cost = substitution(phoneOfId[a] as string, phoneOfId[b] as string);
    substitutionTable[k] = cost;
  }
  return cost;
}

let previousRow = new Float64Array(64);
let currentRow = new Float64Array(64);

/** 1 - weighted edit distance / length: 1 for the same phones, near 0 for unrelated ones. */
export function phoneSimilarity(a: readonly string[], b: readonly string[]): number {
  if (!a.length || !b.length) return 0;
  const x = encode(a);
  const y = encode(b);
  if (previousRow.length <= y.length) {
    previousRow = new Float64Array(2 * (y.length + 1));
    currentRow = new Float64Array(2 * (y.length + 1));
  }
  let prev = previousRow;
  let cur = currentRow;
  prev[0] = 0;
  for (let j = 1; j <= y.length; j++) prev[j] = (prev[j - 1] as number) + indelOf(y[j - 1] as number);
  for (let i = 1; i <= x.length; i++) {
    const pa = x[i - 1] as number;
    const deleteA = indelOf(pa);
    cur[0] = (prev[0] as number) + deleteA;
    for (let j = 1; j <= y.length; j++) {
      const pb = y[j - 1] as number;
      cur[j] = Math.min(
        (prev[j - 1] as number) + substitutionOf(pa, pb),
        (prev[j] as number) + deleteA,
        (cur[j - 1] as number) + indelOf(pb),
      );
    }
    [prev, cur] = [cur, prev];
  }
  return Math.max(0, 1 - (prev[y.length] as number) / Math.max(x.length, y.length));
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

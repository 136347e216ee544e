/**
 * Languages whose spelling a name plainly shows: letter groups English never writes and the
 * language writes all the time (Irish "mh"/"bh" for a v sound, Polish "sz"/"cz", a Vietnamese
 * syllable's "oa" or final "nh", pinyin's "x"/"q"/"zh"). A name so marked is said the way its
 * language reads it (Niamh as "Neeve", Hoa as "Hwa", Xiaoling as "Shao-ling"), whether or not
 * another language happens to read it the same. Keys are `speech.soundswallower.nameLanguages` codes. Pure.
 */
/**
 * A language a name may be read in: an espeak-ng language code ("es", "pt-br"), or "zh" for
 * pinyin (read by Doorman itself). The shape only: it also keeps a value that espeak-ng could
 * take for an option out of its command line.
 */
export const NAME_LANGUAGE = /^[a-z]{2,3}(-[a-z0-9-]+)?$/i;
export const NAME_LANGUAGE_HINT = 'an espeak-ng language, e.g. "es" or "pt-br", or "zh" for pinyin';

const MARKS: Record<string, (w: string) => boolean> = {
  ga: (w) => /.(mh|bh)|aoi|^ao|[aeiou][^aeiou]+aig(h|$)|[ai]dh/.test(w),
  pl: (w) => /sz|cz|rz|ł|ś|ć|ż|ź|ń|ą|ę|wicz$/.test(w),
  vi: (w) => VI_SYLLABLE.test(w) && /oa|oe|uy|nh$|^nh|^ng/.test(w),
  zh: (w) => pinyinSyllables(w) !== null && /x|q|zh|c(?!h)|iao/.test(w),
};

/** The languages in `languages` whose spelling marks `word` (lower case, letters only). */
export function markedLanguages(word: string, languages: readonly string[]): string[] {
  return languages.filter((l) => MARKS[l.split('-')[0] as string]?.(word) ?? false);
}

/** One Vietnamese syllable (Vietnamese names are written a syllable a word). */
const VI_SYLLABLE =
  /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?(uye|uya|oai|oay|uoi|ieu|yeu|oa|oe|ua|uy|ue|uo|ia|ie|ye|ai|ao|au|ay|eo|eu|iu|oi|ui|a|e|i|o|u|y)(ch|ng|nh|[cmnpt])?$/;

// Pinyin, toneless: initials and finals with the sounds an English ear hears in them.
const INITIALS: Record<string, string[]> = {
  b: ['B'],
  p: ['P'],
  m: ['M'],
  f: ['F'],
  d: ['D'],
  t: ['T'],
  n: ['N'],
  l: ['L'],
  g: ['G'],
  k: ['K'],
  h: ['HH'],
  j: ['JH'],
  q: ['CH'],
  x: ['SH'],
  zh: ['JH'],
  ch: ['CH'],
  sh: ['SH'],
  r: ['R'],
  z: ['D', 'Z'],
  c: ['T', 'S'],
  s: ['S'],
  y: ['Y'],
  w: ['W'],
};
const FINALS: Record<string, string[]> = {
  a: ['AA'],
  o: ['AO'],
  e: ['AH'],
  i: ['IY'],
  u: ['UW'],
  v: ['UW'],
  ai: ['AY'],
  ei: ['EY'],
  ao: ['AW'],
  ou: ['OW'],
  an: ['AA', 'N'],
  en: ['AH', 'N'],
  ang: ['AA', 'NG'],
  eng: ['AH', 'NG'],
  ong: ['UH', 'NG'],
  er: ['AA', 'R'],
  ia: ['Y', 'AA'],
  ie: ['Y', 'EH'],
  iao: ['Y', 'AW'],
  iu: ['Y', 'OW'],
  ian: ['Y', 'EH', 'N'],
  in: ['IY', 'N'],
  iang: ['Y', 'AA', 'NG'],
  ing: ['IY', 'NG'],
  iong: ['Y', 'UH', 'NG'],
  ua: ['W', 'AA'],
  uo: ['W', 'AO'],
  uai: ['W', 'AY'],
  ui: ['W', 'EY'],
  uan: ['W', 'AA', 'N'],
  un: ['W', 'AH', 'N'],
  uang: ['W', 'AA', 'NG'],
  ue: ['W', 'EH'],
};
const INITIAL_KEYS = Object.keys(INITIALS);
/** Finals a syllable may start with (no initial) or take after y and w. */
const BARE = new Set(['a', 'ai', 'an', 'ang', 'ao', 'e', 'ei', 'en', 'eng', 'er', 'o', 'ou']);
const AFTER_Y = new Set([
  'a',
  'ao',
  'an',
  'ang',
  'e',
  'i',
  'in',
  'ing',
  'o',
  'ong',
  'ou',
  'u',
  'uan',
  'ue',
  'un',
]);
const AFTER_W = new Set(['a', 'ai', 'an', 'ang', 'ei', 'en', 'eng', 'o', 'u']);
/** After these, "i" is a buzzed vowel, not "ee"; after j, q, x, "u" is ü. */
const BUZZED = new Set(['z', 'c', 's', 'zh', 'ch', 'sh', 'r']);

function syllable(initial: string, final: string): string[] | null {
  if (!(final in FINALS)) return null;
  if (!initial) return BARE.has(final) ? (FINALS[final] as string[]) : null;
  if (initial === 'y' && !AFTER_Y.has(final)) return null;
  if (initial === 'w' && !AFTER_W.has(final)) return null;
  if (initial === 'y' && final === 'i') return ['IY'];
  if (initial === 'y' && final === 'in') return ['IY', 'N'];
  if (initial === 'y' && final === 'ing') return ['IY', 'NG'];
  if (initial === 'w' && final === 'u') return ['W', 'UW'];
  if (BUZZED.has(initial) && final === 'i') return [...(INITIALS[initial] as string[]), 'ER'];
  return [...(INITIALS[initial] as string[]), ...(FINALS[final] as string[])];
}

/**
 * A word read as toneless pinyin (ARPAbet, syllable by syllable), or null when it is not
 * pinyin. Of several ways to split it, the one with the fewest syllables ("xian" is one, not
 * "xi-an": the apostrophe that would say otherwise is gone from a plain name).
 */
export function pinyinSyllables(word: string): string[] | null {
  if (!word) return null;
  const best: Array<{ n: number; phones: string[] } | null> = new Array(word.length + 1).fill(null);
  best[0] = { n: 0, phones: [] };
  for (let i = 0; i < word.length; i++) {
    const from = best[i];
    if (!from) continue;
    // A syllable with no initial starts the word: inside one, pinyin would write an apostrophe.
    for (const initial of i ? INITIAL_KEYS : ['', ...INITIAL_KEYS]) {
      if (!word.startsWith(initial, i)) continue;
      for (let j = i + initial.length + 1; j <= Math.min(word.length, i + initial.length + 4); j++) {
        const phones = syllable(initial, word.slice(i + initial.length, j));
        const at = best[j];
        if (phones && (!at || at.n > from.n + 1))
          best[j] = { n: from.n + 1, phones: [...from.phones, ...phones] };
      }
    }
  }
  return best[word.length]?.phones ?? null;
}

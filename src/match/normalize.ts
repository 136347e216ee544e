/** Spoken forms of written titles, so "Dr. Wong" in a directory meets "doctor wong" in a transcript. */
const TITLES: Record<string, string> = {
  dr: 'doctor',
  mr: 'mister',
  mrs: 'missus',
  ms: 'miz',
  prof: 'professor',
  st: 'saint',
};

/**
 * Words of a name or transcript, lower case with accents folded ("José" -> "jose"), hyphens and
 * other punctuation splitting words, written titles made spoken. Apostrophes vanish
 * ("O'Brien" -> "obrien", "I'd" -> "id") unless kept for a recogniser's dictionary, which
 * spells "i'd" and "o'brien" with them.
 */
export function words(text: string, opts: { keepApostrophes?: boolean } = {}): string[] {
  const folded = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’`]/g, "'");
  const split = opts.keepApostrophes
    ? folded.split(/[^a-z0-9']+/).map((w) => w.replace(/^'+|'+$/g, ''))
    : folded.replace(/'/g, '').split(/[^a-z0-9]+/);
  return split.filter(Boolean).map((w) => TITLES[w] ?? w);
}

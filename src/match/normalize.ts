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
 * Words of a name or transcript as plain lower-case letters and digits: apostrophes vanish
 * ("O'Brien" -> "obrien", "I'd" -> "id"), hyphens and other punctuation split words, accents are
 * folded ("José" -> "jose") and written titles become spoken ones.
 */
export function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((w) => TITLES[w] ?? w);
}

import type { DirectoryEntry } from './directory.js';
import { words } from './normalize.js';
import { codes, type WordCodes, wordSimilarity } from './phonetics.js';
import type { Phrases } from './phrases.js';
import { type Lexicon, NO_LEXICON } from './pronunciation.js';
import { spokenVariants } from './variants.js';

/** One way of asking for an entry: "margaret thompson", "maggie", "doctor raghunathan"... */
interface Variant {
  entryId: string;
  text: string;
  words: WordCodes[];
  /** Partial names (first or last alone) are weaker evidence than a full name or alias. */
  weight: number;
}

export interface Candidate {
  id: string;
  score: number;
  /** The variant that scored best, as the directory spells it. */
  heard: string;
}

export interface MatchResult {
  words: string[];
  /** Words that are neither a phrase around a name nor part of the best match. */
  unexplained: string[];
  candidates: Candidate[];
}

/** Each word nobody can explain lowers confidence a little (up to three words). */
const UNEXPLAINED_PENALTY = 0.06;
const MAX_WORDS = 40;
const MAX_WORD_LENGTH = 40;

/**
 * Scores a transcript against every enabled directory entry: every way of saying the entry
 * (full name, first, last, aliases, title + surname, sounds-like spellings) against every window
 * of the transcript's words, word by word with phonetic and spelling similarity. Pure.
 */
export class DirectoryMatcher {
  private readonly variants: Variant[] = [];
  private readonly phraseWords: Set<string>;

  constructor(
    entries: readonly DirectoryEntry[],
    phrases: Phrases,
    private readonly lexicon: Lexicon = NO_LEXICON,
  ) {
    this.phraseWords = new Set(
      [...phrases.carriers, ...phrases.closers, ...phrases.openers, ...phrases.fillers].flatMap((p) =>
        words(p),
      ),
    );
    for (const e of entries) {
      if (!e.enabled) continue;
      for (const v of spokenVariants(e, phrases)) {
        const w = words(v.text);
        const text = w.join(' ');
        if (w.length && !this.variants.some((x) => x.entryId === e.id && x.text === text)) {
          this.variants.push({
            entryId: e.id,
            text,
            words: w.map((x) => codes(x, lexicon)),
            weight: v.weight,
          });
        }
      }
    }
  }

  get size(): number {
    return this.variants.length;
  }

  match(transcript: string): MatchResult {
    const all = words(transcript);
    // An answer is a few words; anything longer is a machine and only its start is worth scoring.
    const heard = all.slice(0, MAX_WORDS).map((w) => w.slice(0, MAX_WORD_LENGTH));
    const heardCodes = heard.map((w) => codes(w, this.lexicon));
    // A word callers say around names ("hi", "in", "the") is a name word only if it sounds the same.
    const isPhrase = heard.map((w) => this.phraseWords.has(w));
    const best = new Map<string, { score: number; variant: Variant; start: number; end: number }>();
    for (const v of this.variants) {
      const n = v.words.length;
      for (let start = 0; start + n <= heard.length; start++) {
        let sum = 0;
        for (let i = 0; i < n; i++) {
          const sim = wordSimilarity(v.words[i] as WordCodes, heardCodes[start + i] as WordCodes);
          sum += isPhrase[start + i] && sim < 1 ? 0 : sim;
        }
        const score = (sum / n) * v.weight;
        const prev = best.get(v.entryId);
        if (!prev || score > prev.score) best.set(v.entryId, { score, variant: v, start, end: start + n });
      }
    }
    const candidates: Candidate[] = [];
    let topUnexplained: string[] = heard.filter((w) => !this.phraseWords.has(w));
    let top = -1;
    for (const [id, b] of best) {
      const unexplained = heard.filter((w, i) => (i < b.start || i >= b.end) && !this.phraseWords.has(w));
      const score = b.score * (1 - UNEXPLAINED_PENALTY * Math.min(3, unexplained.length));
      candidates.push({ id, score: Math.round(score * 1000) / 1000, heard: b.variant.text });
      if (score > top) {
        top = score;
        topUnexplained = unexplained;
      }
    }
    candidates.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    return { words: all, unexplained: topUnexplained, candidates };
  }
}

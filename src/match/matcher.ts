import type { DirectoryEntry } from './directory.js';
import { words } from './normalize.js';
import { codes, type WordCodes, wordSimilarity } from './phonetics.js';
import type { Phrases } from './phrases.js';
import { type Lexicon, NO_LEXICON, phoneSimilarity, phoneSimilarityBound } from './pronunciation.js';
import { spokenVariants } from './variants.js';

/** One way of asking for an entry: "margaret thompson", "maggie", "doctor raghunathan"... */
interface Variant {
  entryId: string;
  text: string;
  words: WordCodes[];
  /** Partial names (first or last alone) are weaker evidence than a full name or alias. */
  weight: number;
  /** Its words that name (a title before a surname does not). */
  nameWords: number;
  department: boolean;
}

/** One way a name can sound, and the entries it names (many share a first name). */
interface Reading {
  phones: string[];
  entries: Set<string>;
}

export interface Candidate {
  id: string;
  score: number;
  /** The variant that scored best, as the directory spells it. */
  heard: string;
  /**
   * That variant names its entry in one word (a first or last name or nickname alone, a title
   * and surname, a one-word alias or department): weaker evidence than two name words.
   */
  oneWord?: boolean;
  /** The entry is one of the directory's departments (not a pass): one word is often its whole name, and it names no person. */
  department?: boolean;
}

export interface MatchResult {
  words: string[];
  /** The words hold a way of asking for someone of two words or more ("can I talk to", "I'm calling for"). */
  asked: boolean;
  /** Words that are neither a phrase around a name nor part of the best match. */
  unexplained: string[];
  candidates: Candidate[];
  /**
   * Phones it takes to say the words (each word's shortest reading; a word the lexicon cannot
   * read counts a phone per letter, more than it takes, so it never makes an answer look slow).
   */
  phones: number;
}

/** Each word nobody can explain lowers confidence a little (up to three words). */
const UNEXPLAINED_PENALTY = 0.06;
const MAX_WORDS = 40;
const MAX_WORD_LENGTH = 40;
/** Readings per variant compared with free phones: a name of three words with four readings each would otherwise be 64. */
const MAX_READINGS = 16;
const MAX_PHONES = 60;

/** Every way of saying words one after another, from each word's readings; none if a word has none. */
function readingsOf(ws: readonly WordCodes[]): string[][] {
  let out: string[][] = [[]];
  for (const w of ws) {
    if (!w.phones.length) return [];
    out = out.flatMap((r) => w.phones.map((p) => [...r, ...p])).slice(0, MAX_READINGS);
  }
  return out;
}

/**
 * Scores a transcript against every enabled directory entry: every way of saying the entry
 * (full name, first, last, aliases, title + surname, sounds-like spellings) against every window
 * of the transcript's words, word by word with phonetic and spelling similarity. Pure.
 */
export class DirectoryMatcher {
  private readonly variants: Variant[] = [];
  private readonly phraseWords: Set<string>;
  /** Words of what callers naming nobody say (`Phrases.nobody`) that no phrase around a name has. */
  private readonly nobodyWords: Set<string>;
  /** Ways of asking of two words or more, as words: "is" or "to" alone is what a greeting is often heard as. */
  private readonly askings: string[][];
  /** Titles as spoken ("doctor", "missus"): "doctor adebayo" names its entry in one word. */
  private readonly titleWords: Set<string>;
  /** Every distinct reading of every variant's name words, for `soundsLike`. */
  private readonly readings = new Map<string, Reading>();
  private readonly readingsOfEntry = new Map<string, Reading[]>();

  constructor(
    entries: readonly DirectoryEntry[],
    phrases: Phrases,
    private readonly lexicon: Lexicon = NO_LEXICON,
    /** The entries that are expected-caller passes (`passEntry`), by id: not departments, whatever their type. */
    passes: ReadonlySet<string> = new Set(),
  ) {
    this.phraseWords = new Set(
      [...phrases.carriers, ...phrases.closers, ...phrases.openers, ...phrases.fillers].flatMap((p) =>
        words(p),
      ),
    );
    this.nobodyWords = new Set(
      phrases.nobody.flatMap((p) => words(p)).filter((w) => !this.phraseWords.has(w)),
    );
    this.askings = phrases.carriers.map((c) => words(c)).filter((w) => w.length >= 2);
    this.titleWords = new Set(
      Object.values(phrases.honorifics)
        .flat()
        .flatMap((t) => words(t)),
    );
    for (const e of entries) {
      if (!e.enabled) continue;
      for (const v of spokenVariants(e, phrases)) {
        const w = words(v.text);
        const text = w.join(' ');
        if (w.length && !this.variants.some((x) => x.entryId === e.id && x.text === text)) {
          const wordCodes = w.map((x) => codes(x, lexicon));
          const nameWords = w.filter((x) => !this.titleWords.has(x)).length;
          // A pass's words say who the caller is ("Acme Bank"), as a person's name would.
          const department = e.type === 'department' && !passes.has(e.id);
          this.variants.push({
            entryId: e.id,
            text,
            words: wordCodes,
            weight: v.weight,
            nameWords,
            department,
          });
          for (const phones of readingsOf(wordCodes.filter((c) => !this.phraseWords.has(c.word)))) {
            const key = phones.join(' ');
            let r = this.readings.get(key);
            if (!r) {
              r = { phones, entries: new Set() };
              this.readings.set(key, r);
            }
            if (!r.entries.has(e.id)) {
              r.entries.add(e.id);
              const mine = this.readingsOfEntry.get(e.id);
              if (mine) mine.push(r);
              else this.readingsOfEntry.set(e.id, [r]);
            }
          }
        }
      }
    }
  }

  get size(): number {
    return this.variants.length;
  }

  /**
   * How much entries sound like phones heard with no grammar (the recogniser's free phone loop
   * over the name): each one's closest reading's phone similarity, 0..1. Gives `named` (the
   * entry the transcript matched) and every entry that sounds more like the phones than it by
   * over `margin`, the only ones that could change a decision: the rest are never scored in
   * full, which keeps this to milliseconds for thousands of entries. Pure.
   */
  soundsLike(phones: readonly string[], named: string, margin: number): Map<string, number> {
    const heard = phones.slice(0, MAX_PHONES);
    const out = new Map<string, number>();
    if (!heard.length) return out;
    let mine = 0;
    for (const r of this.readingsOfEntry.get(named) ?? [])
      mine = Math.max(mine, phoneSimilarity(heard, r.phones));
    out.set(named, mine);
    const floor = mine + margin;
    for (const r of this.readings.values()) {
      if (phoneSimilarityBound(heard.length, r.phones.length) <= floor) continue;
      const sim = phoneSimilarity(heard, r.phones);
      if (sim <= floor) continue;
      for (const id of r.entries) if (id !== named && sim > (out.get(id) ?? 0)) out.set(id, sim);
    }
    return out;
  }

  match(transcript: string): MatchResult {
    const all = words(transcript);
    // An answer is a few words; anything longer is a machine and only its start is worth scoring.
    const heard = all.slice(0, MAX_WORDS).map((w) => w.slice(0, MAX_WORD_LENGTH));
    const heardCodes = heard.map((w) => codes(w, this.lexicon));
    // A word callers say around names ("hi", "in", "the") is a name word only if it sounds the same.
    const isPhrase = heard.map((w) => this.phraseWords.has(w));
    // One a caller naming nobody says ("speaking", "anyone") only if spelled the same: the grammar
    // heard it as itself, and a name that sounds like it ("why" and Wei) is a name it did not hear.
    const isNobodyWord = heard.map((w) => this.nobodyWords.has(w));
    const best = new Map<string, { score: number; variant: Variant; start: number; end: number }>();
    // Variants share words (a first name alone, with the surname, after "Dr."): each word is
    // compared with each heard word once.
    const similarities = new Map<string, Float64Array>();
    const similarity = (word: WordCodes, at: number): number => {
      let row = similarities.get(word.word);
      if (!row) {
        row = new Float64Array(heard.length).fill(-1);
        similarities.set(word.word, row);
      }
      let sim = row[at] as number;
      if (sim < 0) {
        sim = wordSimilarity(word, heardCodes[at] as WordCodes);
        row[at] = sim;
      }
      return sim;
    };
    // Non-phrase words before each position: how many a span leaves unexplained, in O(1).
    const namesBefore = [0];
    for (const [i, phrase] of isPhrase.entries())
      namesBefore.push((namesBefore[i] as number) + (phrase ? 0 : 1));
    const namesIn = (from: number, to: number) => (namesBefore[to] as number) - (namesBefore[from] as number);
    const allNames = namesIn(0, heard.length);
    for (const v of this.variants) {
      const n = v.words.length;
      for (let start = 0; start + n <= heard.length; start++) {
        let sum = 0;
        for (let i = 0; i < n; i++) {
          const word = v.words[i] as WordCodes;
          const at = start + i;
          if (isNobodyWord[at]) sum += word.word === heard[at] ? 1 : 0;
          else {
            const sim = similarity(word, at);
            sum += isPhrase[at] && sim < 1 ? 0 : sim;
          }
        }
        // Scored with what it leaves unexplained, so "technical support" wins over its entry's
        // "support" alone with "technical" left over.
        const unexplained = Math.min(3, allNames - namesIn(start, start + n));
        const score = (sum / n) * v.weight * (1 - UNEXPLAINED_PENALTY * unexplained);
        const prev = best.get(v.entryId);
        if (!prev || score > prev.score) best.set(v.entryId, { score, variant: v, start, end: start + n });
      }
    }
    const candidates: Candidate[] = [];
    let topUnexplained: string[] = heard.filter((_w, i) => !isPhrase[i]);
    let top = -1;
    for (const [id, b] of best) {
      const { score } = b;
      candidates.push({
        id,
        score: Math.round(score * 1000) / 1000,
        heard: b.variant.text,
        ...(b.variant.nameWords === 1 ? { oneWord: true } : {}),
        ...(b.variant.department ? { department: true } : {}),
      });
      if (score > top) {
        top = score;
        topUnexplained = heard.filter((_w, i) => (i < b.start || i >= b.end) && !isPhrase[i]);
      }
    }
    candidates.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    const asked = this.askings.some((w) =>
      heard.some((_h, at) => w.every((word, i) => heard[at + i] === word)),
    );
    const phones = heardCodes.reduce(
      (n, c) => n + (c.phones.length ? Math.min(...c.phones.map((p) => p.length)) : c.word.length),
      0,
    );
    return { words: all, asked, unexplained: topUnexplained, candidates, phones };
  }
}

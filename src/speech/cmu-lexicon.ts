import { readFileSync } from 'node:fs';
import type { Lexicon } from '../match/pronunciation.js';

/**
 * A CMU-format pronouncing dictionary ("word PH ON ES", variants as "word(2) ..."), such as the
 * one the embedded recogniser's model ships. Loaded once (~135k words, ~100 ms); a `copy()`
 * shares the dictionary and takes its own additions, so a grammar being built adds to a draft
 * while calls read the snapshot their grammar was built with.
 */
export class CmuLexicon implements Lexicon {
  private constructor(
    private readonly entries: ReadonlyMap<string, readonly string[][]>,
    /** Pronunciations added after loading (derived ones), kept apart from the dictionary's own. */
    private readonly added: Map<string, string[][]>,
  ) {}

  static parse(text: string): CmuLexicon {
    const entries = new Map<string, string[][]>();
    for (const line of text.split('\n')) {
      const sp = line.indexOf(' ');
      if (sp <= 0) continue;
      const word = line.slice(0, sp).replace(/\(\d+\)$/, '');
      const phones = line
        .slice(sp + 1)
        .trim()
        .split(/\s+/);
      const list = entries.get(word);
      if (list) list.push(phones);
      else entries.set(word, [phones]);
    }
    return new CmuLexicon(entries, new Map());
  }

  static fromFile(path: string): CmuLexicon {
    return CmuLexicon.parse(readFileSync(path, 'utf8'));
  }

  /** The same dictionary, with additions of its own from here on (this one's copied). */
  copy(): CmuLexicon {
    return new CmuLexicon(
      this.entries,
      new Map([...this.added].map(([w, list]) => [w, list.map((p) => [...p])])),
    );
  }

  pronunciations(word: string): string[][] {
    return [...(this.entries.get(word) ?? []), ...(this.added.get(word) ?? [])];
  }

  /** The dictionary's own pronunciations of a word, without any added since. */
  listed(word: string): readonly string[][] {
    return this.entries.get(word) ?? [];
  }

  /** Adds pronunciations (e.g. derived for names the dictionary lacks). */
  add(word: string, phones: string[]): void {
    const list = this.added.get(word);
    if (list) list.push(phones);
    else this.added.set(word, [phones]);
  }

  has(word: string): boolean {
    return this.entries.has(word) || this.added.has(word);
  }
}

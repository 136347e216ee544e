import { readFileSync } from 'node:fs';
import type { Lexicon } from '../match/pronunciation.js';

/**
 * A CMU-format pronouncing dictionary ("word PH ON ES", variants as "word(2) ..."), such as the
 * one the embedded recogniser's model ships. Loaded once (~135k words, ~100 ms).
 */
export class CmuLexicon implements Lexicon {
  private readonly entries = new Map<string, string[][]>();
  /** Pronunciations added after loading (derived ones), kept apart from the dictionary's own. */
  private readonly added = new Map<string, string[][]>();

  constructor(text: string) {
    for (const line of text.split('\n')) {
      const sp = line.indexOf(' ');
      if (sp <= 0) continue;
      const word = line.slice(0, sp).replace(/\(\d+\)$/, '');
      const phones = line
        .slice(sp + 1)
        .trim()
        .split(/\s+/);
      const list = this.entries.get(word);
      if (list) list.push(phones);
      else this.entries.set(word, [phones]);
    }
  }

  static fromFile(path: string): CmuLexicon {
    return new CmuLexicon(readFileSync(path, 'utf8'));
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

import type { DirectoryEntry } from '../match/directory.js';
import { words } from '../match/normalize.js';
import type { Phrases } from '../match/phrases.js';
import { spokenVariants } from '../match/variants.js';

/** Words as a recogniser's dictionary spells them: lower case, apostrophes kept ("i'd", "o'brien"). */
export const grammarWords = (text: string): string[] => words(text, { keepApostrophes: true });

export interface GrammarSpec {
  jsgf: string;
  /** Every word the grammar uses; each must be in the recogniser's dictionary or be added. */
  words: Set<string>;
}

interface WordTrie {
  next: Map<string, WordTrie>;
  /** A phrase may end here. */
  end: boolean;
}

/**
 * Alternatives left-factored: phrases that begin with the same words share them ("michael
 * (smith | jones)" rather than "michael smith | michael jones"). The same language, but the
 * recogniser's search holds one state per shared prefix instead of one per phrase, which is
 * what keeps a large directory's grammar affordable.
 */
function alternatives(phrases: string[][]): string {
  const root: WordTrie = { next: new Map(), end: false };
  for (const p of phrases) {
    let node = root;
    for (const w of p) {
      let child = node.next.get(w);
      if (!child) {
        child = { next: new Map(), end: false };
        node.next.set(w, child);
      }
      node = child;
    }
    node.end = true;
  }
  const emit = (node: WordTrie): string =>
    [...node.next]
      .map(([w, child]) => {
        if (!child.next.size) return w;
        const rest = emit(child);
        if (child.end) return `${w} [${rest}]`;
        return child.next.size > 1 ? `${w} (${rest})` : `${w} ${rest}`;
      })
      .join(' | ');
  return emit(root);
}

/**
 * A JSGF grammar for answers to "who would you like to speak to?": an optional greeting, an
 * optional carrier phrase, one way of naming a directory entry, an optional closing word; or a
 * greeting/role that names nobody. Phrases with a word `usable` rejects are left out. Pure.
 */
export function buildGrammar(
  entries: readonly DirectoryEntry[],
  phrases: Phrases,
  usable: (word: string) => boolean = () => true,
): GrammarSpec {
  const vocabulary = new Set<string>();
  const rule = (texts: string[]) => {
    const seen = new Set<string>();
    const out: string[][] = [];
    for (const t of texts) {
      const w = grammarWords(t);
      const key = w.join(' ');
      if (!w.length || seen.has(key) || !w.every(usable)) continue;
      seen.add(key);
      for (const x of w) vocabulary.add(x);
      out.push(w);
    }
    return out;
  };
  const targets = rule(
    entries.filter((e) => e.enabled).flatMap((e) => spokenVariants(e, phrases).map((v) => v.text)),
  );
  const openers = rule(phrases.openers);
  const carriers = rule(phrases.carriers);
  const closers = rule(phrases.closers);
  const nobody = rule(phrases.nobody);
  const lines = ['#JSGF V1.0;', 'grammar doorman;'];
  const answer: string[] = [];
  if (targets.length) {
    lines.push(`<target> = ${alternatives(targets)};`);
    const parts = [
      openers.length ? '[<opener> [<opener>]]' : '',
      carriers.length ? '[<carrier>]' : '',
      '<target>',
      closers.length ? '[<closer>]' : '',
    ];
    answer.push(parts.filter(Boolean).join(' '));
  }
  if (nobody.length) {
    lines.push(`<nobody> = ${alternatives(nobody)};`);
    answer.push(`${openers.length ? '[<opener>] ' : ''}<nobody>${closers.length ? ' [<closer>]' : ''}`);
  }
  if (openers.length) lines.push(`<opener> = ${alternatives(openers)};`);
  if (carriers.length) lines.push(`<carrier> = ${alternatives(carriers)};`);
  if (closers.length) lines.push(`<closer> = ${alternatives(closers)};`);
  if (!answer.length) {
    answer.push(openers.length ? '<opener>' : 'hello');
    vocabulary.add('hello');
  }
  lines.splice(2, 0, `public <answer> = ${answer.join(' | ')};`);
  return { jsgf: `${lines.join('\n')}\n`, words: vocabulary };
}

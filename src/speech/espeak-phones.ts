import { execFile } from 'node:child_process';
import { NAME_LANGUAGE, pinyinSyllables } from '../match/name-origin.js';

/**
 * espeak-ng's phoneme mnemonics (`espeak-ng -x`) to ARPAbet, longest first. espeak knows
 * letter-to-sound rules for names no dictionary has; the recogniser needs ARPAbet.
 */
const TABLE: Array<[string, string[]]> = [
  ['aI@', ['AY', 'AH']],
  ['aU@', ['AW', 'AH']],
  ['i@3', ['IY', 'ER']],
  ['A@', ['AA', 'R']],
  ['e@', ['EH', 'R']],
  ['i@', ['IY', 'AH']],
  ['O@', ['AO', 'R']],
  ['o@', ['AO', 'R']],
  ['U@', ['UH', 'R']],
  ['3:', ['ER']],
  ['@L', ['AH', 'L']],
  ['@5', ['AH']],
  ['A:', ['AA']],
  ['aI', ['AY']],
  ['aU', ['AW']],
  ['eI', ['EY']],
  ['i:', ['IY']],
  ['O:', ['AO']],
  ['OI', ['OY']],
  ['oU', ['OW']],
  ['u:', ['UW']],
  ['tS', ['CH']],
  ['dZ', ['JH']],
  ['aa', ['AE']],
  ['a', ['AE']],
  ['A', ['AA']],
  ['@', ['AH']],
  ['3', ['ER']],
  ['E', ['EH']],
  ['e', ['EH']],
  ['I', ['IH']],
  ['i', ['IY']],
  ['0', ['AA']],
  ['O', ['AO']],
  ['o', ['OW']],
  ['U', ['UH']],
  ['u', ['UW']],
  ['V', ['AH']],
  ['p', ['P']],
  ['b', ['B']],
  ['t', ['T']],
  ['d', ['D']],
  ['k', ['K']],
  ['g', ['G']],
  ['f', ['F']],
  ['v', ['V']],
  ['T', ['TH']],
  ['D', ['DH']],
  ['s', ['S']],
  ['z', ['Z']],
  ['S', ['SH']],
  ['Z', ['ZH']],
  ['h', ['HH']],
  ['x', ['K']],
  ['m', ['M']],
  ['n', ['N']],
  ['N', ['NG']],
  ['l', ['L']],
  ['r', ['R']],
  ['w', ['W']],
  ['j', ['Y']],
  ['C', ['HH']],
];

/** Converts one word's espeak mnemonics; stress marks and modifiers are dropped. */
export function espeakToArpabet(mnemonics: string): string[] {
  return toArpabet(mnemonics.replace(/[',%=_!#-]/g, '').trim(), TABLE);
}

/**
 * Phoneme symbols to ARPAbet by a table, longest symbol first; symbols the table lacks (stress
 * digits, modifiers, phonemes with no counterpart) are skipped. A phone doubled across two
 * symbols is one sound: "m'e@ri" is M EH R IY, "kaalil" K AA L IY L.
 */
function toArpabet(s: string, table: ReadonlyArray<[string, string[]]>): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const hit = table.find(([k]) => s.startsWith(k, i));
    if (hit) {
      out.push(...(out.at(-1) === hit[1][0] ? hit[1].slice(1) : hit[1]));
      i += hit[0].length;
    } else {
      i++;
    }
  }
  return out;
}

/**
 * IPA (`espeak-ng --ipa`, any language) to ARPAbet, longest first: the nearest English phone,
 * since the recogniser's model knows only those. Continental vowels go to their English
 * neighbours ([e] as in "hey", [o] as in "go"); sounds English lacks to what an English
 * listener hears ([x] as "h", [y] as "oo", [ɲ] as "ny").
 */
const IPA: Array<[string, string[]]> = [
  ['tʃ', ['CH']],
  ['dʒ', ['JH']],
  ['tɕ', ['CH']],
  ['dʑ', ['JH']],
  ['aɪ', ['AY']],
  ['ai', ['AY']],
  ['aʊ', ['AW']],
  ['au', ['AW']],
  ['eɪ', ['EY']],
  ['ei', ['EY']],
  ['oʊ', ['OW']],
  ['əʊ', ['OW']],
  ['ɔɪ', ['OY']],
  ['oi', ['OY']],
  ['a', ['AA']],
  ['ɑ', ['AA']],
  ['A', ['AA']],
  ['ɐ', ['AH']],
  ['æ', ['AE']],
  ['e', ['EY']],
  ['ɛ', ['EH']],
  ['ə', ['AH']],
  ['ɜ', ['ER']],
  ['ɪ', ['IH']],
  ['i', ['IY']],
  ['ɨ', ['IH']],
  ['o', ['OW']],
  ['ɔ', ['AO']],
  ['ɒ', ['AA']],
  ['u', ['UW']],
  ['ʊ', ['UH']],
  ['ʉ', ['UW']],
  ['ɵ', ['UH']],
  ['y', ['UW']],
  ['ø', ['ER']],
  ['œ', ['ER']],
  ['ʌ', ['AH']],
  ['ɯ', ['UW']],
  ['ɤ', ['AH']],
  ['p', ['P']],
  ['b', ['B']],
  ['β', ['B']],
  ['t', ['T']],
  ['d', ['D']],
  ['k', ['K']],
  ['ɡ', ['G']],
  ['g', ['G']],
  ['c', ['K']],
  ['ɟ', ['G']],
  ['ɣ', ['G']],
  ['q', ['K']],
  ['f', ['F']],
  ['v', ['V']],
  ['ʋ', ['V']],
  ['θ', ['TH']],
  ['ð', ['DH']],
  ['s', ['S']],
  ['z', ['Z']],
  ['ʃ', ['SH']],
  ['ʒ', ['ZH']],
  ['ɕ', ['SH']],
  ['ʑ', ['ZH']],
  ['ʂ', ['SH']],
  ['ʐ', ['ZH']],
  ['h', ['HH']],
  ['ɦ', ['HH']],
  ['x', ['HH']],
  ['χ', ['HH']],
  ['ç', ['HH']],
  ['m', ['M']],
  ['n', ['N']],
  ['ɲ', ['N', 'Y']],
  ['ŋ', ['NG']],
  ['l', ['L']],
  ['ɫ', ['L']],
  ['ʎ', ['L', 'Y']],
  ['r', ['R']],
  ['ɾ', ['R']],
  ['ɹ', ['R']],
  ['ʁ', ['R']],
  ['ʀ', ['R']],
  ['ɻ', ['R']],
  ['w', ['W']],
  ['ɰ', ['W']],
  ['j', ['Y']],
  ['ʝ', ['Y']],
];

/** Converts one word's IPA; stress, length, tone and other marks are dropped. */
export function ipaToArpabet(ipa: string): string[] {
  return toArpabet(ipa.normalize('NFD').replace(/[\u0300-\u036fˈˌːˑʲʷ0-9\s-]/g, ''), IPA);
}

/** One language's reading of a word, as ARPAbet. */
export interface Reading {
  language: string;
  phones: string[];
}

/**
 * How each word would be read in each of `languages` (espeak-ng voices: "es", "pl"...), as
 * ARPAbet: a name's own language often says it as no English rule would (Agnieszka, Padraig,
 * Hoa). One espeak-ng run per language; a language whose rules do not cover a word (espeak-ng
 * falls back to English for it) adds nothing for that word. "zh" is pinyin, read here:
 * espeak-ng's Mandarin voice reads Chinese characters, and pinyin with an x as English.
 */
export async function foreignReadingsOf(
  list: readonly string[],
  languages: readonly string[],
  timeoutMs = 10_000,
): Promise<Map<string, Reading[]>> {
  const plain = list.filter((w) => /^[a-z]+$/.test(w));
  const found = new Map<string, Reading[]>();
  const add = (w: string, language: string, phones: string[]) => {
    const readings = found.get(w) ?? [];
    if (!readings.some((r) => r.phones.join(' ') === phones.join(' '))) readings.push({ language, phones });
    found.set(w, readings);
  };
  const spoken = languages.filter((l) => l !== 'zh' && NAME_LANGUAGE.test(l));
  const runs = await Promise.all(spoken.map((l) => espeakLines(plain, ['-q', '--ipa', '-v', l], timeoutMs)));
  runs.forEach((lines, k) => {
    if (!lines) return;
    plain.forEach((w, i) => {
      const line = lines[i] as string;
      if (line.includes('(')) return; // "(en)...(pl)": read by English rules after all
      const phones = ipaToArpabet(line);
      if (phones.length) add(w, spoken[k] as string, phones);
    });
  });
  if (languages.includes('zh')) {
    for (const w of plain) {
      const phones = pinyinSyllables(w);
      if (phones) add(w, 'zh', phones);
    }
  }
  return found;
}

/** ARPAbet for a word by espeak-ng's rules; null when espeak-ng is missing or fails. */
export async function espeakPhones(word: string, timeoutMs = 2_000): Promise<string[] | null> {
  return (await espeakPhonesOf([word], timeoutMs)).get(word) ?? null;
}

/**
 * ARPAbet for many words by espeak-ng's rules, in one run (a line each: a directory of thousands
 * of names would otherwise start thousands of processes). Words espeak-ng gives nothing for are
 * left out; all of them when espeak-ng is missing or fails.
 */
export async function espeakPhonesOf(
  list: readonly string[],
  timeoutMs = 10_000,
): Promise<Map<string, string[]>> {
  const plain = list.filter((w) => /^[a-z]+$/.test(w));
  const found = new Map<string, string[]>();
  const lines = await espeakLines(plain, ['-q', '-x', '-v', 'en-us'], timeoutMs);
  plain.forEach((w, i) => {
    const phones = lines ? espeakToArpabet((lines[i] as string).split(/\s+/).join('')) : [];
    if (phones.length) found.set(w, phones);
  });
  return found;
}

const voiceChecks = new Map<string, Promise<boolean | null>>();

/**
 * Whether espeak-ng reads words in `language` (it takes voice file names such as "fr" as well as
 * the codes `espeak-ng --voices` lists, so it is asked, once per language per process). "zh"
 * is pinyin, read by Doorman. null when espeak-ng itself cannot be run: nothing can be told.
 */
export function espeakReads(language: string, timeoutMs = 2_000): Promise<boolean | null> {
  if (language === 'zh') return Promise.resolve(true);
  if (!NAME_LANGUAGE.test(language)) return Promise.resolve(false);
  let known = voiceChecks.get(language);
  if (!known) {
    known = new Promise((resolve) => {
      const child = execFile(
        'espeak-ng',
        ['-q', '--ipa', '-v', language, 'a'],
        { timeout: timeoutMs },
        (err) => {
          if (!err) return resolve(true);
          resolve((err as NodeJS.ErrnoException).code === 'ENOENT' || err.killed ? null : false);
        },
      );
      child.stdin?.on('error', () => {});
    });
    voiceChecks.set(language, known);
  }
  return known;
}

/**
 * espeak-ng's output for each word, a line each, in one run (a directory of thousands of names
 * would otherwise start thousands of processes); null when espeak-ng is missing or fails.
 * Only plain words (a-z): other characters could be read as espeak-ng commands or punctuation.
 */
function espeakLines(plain: readonly string[], args: string[], timeoutMs: number): Promise<string[] | null> {
  if (!plain.length) return Promise.resolve([]);
  return new Promise((resolve) => {
    const child = execFile(
      'espeak-ng',
      args,
      { timeout: timeoutMs, maxBuffer: 256 * plain.length + 4096 },
      (err, stdout) => {
        if (err) return resolve(null);
        const lines = stdout
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean);
        // One word a line, each its own clause, so a line out is a word in.
        resolve(lines.length === plain.length ? lines : null);
      },
    );
    child.stdin?.on('error', () => {}); // espeak-ng missing: the callback reports it
    child.stdin?.end(plain.map((w) => `${w}.\n`).join(''));
  });
}

import { execFile } from 'node:child_process';

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
  const s = mnemonics.replace(/[',%=_!#-]/g, '').trim();
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const hit = TABLE.find(([k]) => s.startsWith(k, i));
    if (hit) {
      out.push(...hit[1]);
      i += hit[0].length;
    } else {
      i++; // a modifier (2, 5, :) or a phoneme with no ARPAbet counterpart
    }
  }
  return out;
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
export function espeakPhonesOf(list: readonly string[], timeoutMs = 10_000): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  // One word a line, each its own clause, so a line out is a word in; other characters could
  // be read as espeak-ng commands or punctuation.
  const plain = list.filter((w) => /^[a-z]+$/.test(w));
  if (!plain.length) return Promise.resolve(found);
  return new Promise((resolve) => {
    const child = execFile(
      'espeak-ng',
      ['-q', '-x', '-v', 'en-us'],
      { timeout: timeoutMs, maxBuffer: 64 * plain.length + 4096 },
      (err, stdout) => {
        if (err) return resolve(found);
        const lines = stdout
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean);
        if (lines.length !== plain.length) return resolve(found);
        plain.forEach((w, i) => {
          const phones = espeakToArpabet((lines[i] as string).split(/\s+/).join(''));
          if (phones.length) found.set(w, phones);
        });
        resolve(found);
      },
    );
    child.stdin?.on('error', () => {}); // espeak-ng missing: the callback reports it
    child.stdin?.end(plain.map((w) => `${w}.\n`).join(''));
  });
}

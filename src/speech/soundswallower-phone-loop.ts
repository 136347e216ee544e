// The phone loop: the same audio decoded as a free sequence of phones, no grammar forcing it,
// for a second opinion on what the grammar heard (the acoustic fit, and the phones of the name).
import type { Config, Decoder, Segment, SoundSwallowerModule } from 'soundswallower';

/** The model's speech phones; the loop's words are these one-phone "words". */
const PHONES =
  'AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH'.split(
    ' ',
  );
const loopWord = (p: string) => `ph_${p.toLowerCase()}`;
const LOOP_JSGF = `#JSGF V1.0;\ngrammar phones;\npublic <phones> = (${PHONES.map(loopWord).join(' | ')})+;\n`;

/**
 * How the loop's decoder searches: context-independent phones only (all of them active every
 * frame): it adds about a third to a half of the grammar search's CPU.
 */
export const LOOP_SEARCH: Config = { cionly: true, beam: 1e-60, pbeam: 1e-60, wbeam: 1e-40 };

/** Gives a new loop decoder (made with LOOP_SEARCH) its one-phone words and the loop over them. */
export function loadPhoneLoop(loop: Decoder): void {
  loop.add_words(...PHONES.map((p) => [loopWord(p), p] as [string, string]));
  loop.set_grammar(LOOP_JSGF);
}

/** The loop's opinions on an answer the grammar search heard; both read its alignment, made once. */
export function secondOpinion(
  module: SoundSwallowerModule,
  decoder: Decoder,
  loop: Decoder,
  phraseWords: Set<string>,
): { fit?: number; phones?: string[] } {
  const aligned = alignedWords(decoder);
  if (!aligned) return {};
  return {
    fit: acousticFit(module, decoder, loop, aligned, phraseWords),
    phones: phonesOfName(loop, aligned, phraseWords),
  };
}

/** The best path's total score (log base 1.0001) of a decoder that has stopped. */
function pathScore(module: SoundSwallowerModule, decoder: Decoder): number {
  // soundswallower's JS API does not expose it; its C function takes an out-pointer.
  const m = module as unknown as {
    _malloc(n: number): number;
    _free(p: number): void;
    _decoder_hyp(d: number, out: number): number;
    HEAP32: Int32Array;
  };
  const out = m._malloc(4);
  try {
    m._decoder_hyp((decoder as unknown as { cdecoder: number }).cdecoder, out);
    return m.HEAP32[out >> 2] as number;
  } finally {
    m._free(out);
  }
}

/**
 * How well the grammar's answer explains the speech compared with the best free sequence of
 * phones: their score difference per frame of the name's words (all words when it names
 * nobody; silence and noise never count). Near 0 the grammar's name fits as well as anything
 * could; far below, the grammar forced a name onto sounds that were something else (a name
 * not in the directory, a garbled answer). Carrier phrases fit well or badly alike, so the
 * difference is spread over the name, not over the whole answer.
 */
function acousticFit(
  module: SoundSwallowerModule,
  decoder: Decoder,
  loop: Decoder,
  aligned: Segment[],
  phraseWords: Set<string>,
): number | undefined {
  let words = 0;
  let names = 0;
  for (const w of aligned) {
    // "(NULL)" segments (the grammar's empty transitions) do take frames and count as the
    // name's: challenge.minAcousticFit was chosen so. Leaving them out (as phonesOfName does)
    // moved the dev corpus to names 145 -> 140, wrong routes 6 -> 4, nomatch caught 12 -> 16.
    if (w.t.startsWith('<') || w.t.startsWith('[')) continue;
    const frames = Math.round(w.d * 100);
    words += frames;
    if (!phraseWords.has(w.t.replace(/\(\d+\)$/, ''))) names += frames;
  }
  if (!words) return undefined;
  return (pathScore(module, decoder) - pathScore(module, loop)) / (names || words);
}

/**
 * What the free phone loop heard while the grammar heard the name (the name's words, not the
 * phrases around it): a second opinion on which name was said that no grammar forced.
 */
function phonesOfName(loop: Decoder, aligned: Segment[], phraseWords: Set<string>): string[] | undefined {
  const name = aligned.filter(
    // "(NULL)": the grammar's empty transitions; "<sil>", "[noise]": not words.
    (w) => !/^[(<[]/.test(w.t) && !phraseWords.has(w.t.replace(/\(\d+\)$/, '')),
  );
  if (!name.length) return undefined;
  const from = Math.min(...name.map((w) => w.b));
  const to = Math.max(...name.map((w) => w.b + w.d));
  try {
    return (loop.get_alignment().w ?? [])
      .filter((w) => w.t.startsWith('ph_') && w.b + w.d / 2 >= from && w.b + w.d / 2 <= to)
      .map((w) => w.t.slice(3).toUpperCase());
  } catch {
    return undefined; // the loop aligned nothing
  }
}

/** The grammar search's words with their times; undefined when it recognised nothing. */
function alignedWords(decoder: Decoder): Segment[] | undefined {
  try {
    return decoder.get_alignment().w ?? [];
  } catch {
    return undefined;
  }
}

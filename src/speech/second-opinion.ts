// The phone loop's second opinion on what the grammar search heard: the same audio decoded as a
// free sequence of phones, no grammar forcing it (the acoustic fit, the phones of the name, and
// how many phones the whole answer held).
import type { GrammarDecoder, PhoneLoopDecoder, TimedWord } from './recognizer.js';

/** The loop's opinions on an answer the grammar search heard; both read its alignment, made once. */
export function secondOpinion(
  decoder: GrammarDecoder,
  loop: PhoneLoopDecoder,
  phraseWords: Set<string>,
): { fit?: number; phones?: string[]; loopPhones?: number } {
  const aligned = decoder.words();
  if (!aligned) return {};
  const heard = loop.phones();
  return {
    fit: acousticFit(decoder, loop, aligned, phraseWords),
    phones: phonesOfName(heard, aligned, phraseWords),
    loopPhones: heard.length,
  };
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
  decoder: GrammarDecoder,
  loop: PhoneLoopDecoder,
  aligned: TimedWord[],
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
  return (decoder.pathScore() - loop.pathScore()) / (names || words);
}

/**
 * What the free phone loop heard while the grammar heard the name (the name's words, not the
 * phrases around it): a second opinion on which name was said that no grammar forced.
 */
function phonesOfName(
  heard: TimedWord[],
  aligned: TimedWord[],
  phraseWords: Set<string>,
): string[] | undefined {
  const name = aligned.filter(
    // "(NULL)": the grammar's empty transitions; "<sil>", "[noise]": not words.
    (w) => !/^[(<[]/.test(w.t) && !phraseWords.has(w.t.replace(/\(\d+\)$/, '')),
  );
  if (!name.length) return undefined;
  const from = Math.min(...name.map((w) => w.b));
  const to = Math.max(...name.map((w) => w.b + w.d));
  return heard.filter((w) => w.b + w.d / 2 >= from && w.b + w.d / 2 <= to).map((w) => w.t);
}

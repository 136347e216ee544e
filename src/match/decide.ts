import type { Candidate } from './matcher.js';

export type Outcome = 'match' | 'ambiguous' | 'nomatch' | 'machine' | 'silence';

/** An ambiguous answer's caller is asked to pick one of at most this many entries by key press. */
export const CHOICES_OFFERED = 3;

export interface DecisionPolicy {
  /** A candidate must score at least this to be routed to. */
  acceptScore: number;
  /** ...and lead the next entry by this much; closer than that is `ambiguous`. */
  margin: number;
  /** Speech longer than this is a recorded message, not a person answering. */
  machineSpeechMs: number;
  /** So is an answer of more words than this. */
  machineWords: number;
  /** Recognised words that fit the audio this well or better (`Evidence.fit`) are routed to. */
  minAcousticFit: number;
  /**
   * ...below it but not below this, the caller is asked to confirm the name the grammar heard
   * ("Did you mean ...? Press 1"); further below, nobody was named. At or above `minAcousticFit`:
   * never asked, refused.
   */
  confirmAcousticFit: number;
  /**
   * A match whose entry sounds less like the free phones (`Evidence.soundsLike`) than another
   * entry does, by more than this, is ambiguous between the two: the caller is asked. 1: never.
   */
  phoneMargin: number;
  /**
   * A name the recogniser could not check against the audio (`Evidence.checked` false: the check
   * was left out under load) is confirmed by the caller rather than routed to straight away.
   */
  confirmUnchecked: boolean;
  /**
   * A name of one word (`Candidate.oneWord`: "Kate", "Dr. Patel", "reception"), or any name of
   * a department, whose words fit the audio worse than this (`Evidence.fit`) is neither routed
   * to nor offered: the caller is
   * asked again for the full name (`Decision.askFullName`). A greeting, or a name not in the
   * directory, that the grammar forced onto one of its names mostly sounds like this.
   */
  oneWordNameFit: number;
  /**
   * ...but one after a way of asking of two words or more (`Evidence.asked`: "Can I talk to
   * Omar?") need only fit this well. A greeting forced onto a name comes without one, and the
   * words of asking drag the fit of the short name after them down.
   */
  askedNameFit: number;
  /**
   * A name whose phones sound more like another entry (`phoneMargin`) is offered with it only
   * at this fit or better; below, nobody was named. Names read out to choose from must fit
   * about as a name routed at once would: the choice must not tell a caller who named nobody
   * who works here.
   */
  rivalFit: number;
  /**
   * A full name (two name words or more) that fits worse than `CLEAR_FULL_NAME_FIT` must also
   * sound like its entry at least this much to the free phones (`Evidence.soundsLike`), or
   * nobody was named. In a directory of hundreds of common names, a caller naming nobody is
   * heard as one of them ("the manager" as "Samantha Jones") about as well as a name said.
   * 0: off.
   */
  fullNameSound: number;
  /**
   * An answer whose voiced time (`Evidence.voicedMs`) is longer by more than this than its words
   * take to say slowly (`SLOW_PHONE_MS` for each of `Evidence.transcriptPhones`) names nobody:
   * the grammar forced a few of its words onto longer speech that was something else (a
   * sentence heard as "tran thi hoa in today"). 0: off.
   */
  unexplainedSpeechMs: number;
  /**
   * An answer in which the free phone loop heard more phones than this beyond those its words
   * take to say (`Evidence.loopPhones` less `Evidence.transcriptPhones`) names nobody: the
   * grammar's words account for only part of what was said. 0: off.
   */
  unexplainedPhones: number;
}

/**
 * A phone said slowly, ms: a short word said alone stretches its phones to about this, far past
 * running speech (README, "The speech challenge" step 5 and Benchmarks).
 */
export const SLOW_PHONE_MS = 150;

/** A full name that fits this well is not doubted by its sound (`fullNameSound`). */
export const CLEAR_FULL_NAME_FIT = -40;

export const DEFAULT_POLICY: DecisionPolicy = {
  acceptScore: 0.84,
  margin: 0.05,
  machineSpeechMs: 7_000,
  machineWords: 20,
  minAcousticFit: -80,
  confirmAcousticFit: -90,
  phoneMargin: 0.05,
  confirmUnchecked: true,
  oneWordNameFit: -50,
  askedNameFit: -60,
  rivalFit: -60,
  fullNameSound: 0,
  unexplainedSpeechMs: 1_000,
  unexplainedPhones: 10,
};

export interface Evidence {
  /** Voiced time in the answer, ms (0 when nothing was said). */
  speechMs: number;
  transcriptWords: number;
  candidates: Candidate[];
  /** The recogniser's acoustic fit of its transcript (`SpeechResult.fit`), when it gives one. */
  fit?: number;
  /** How much each entry sounds like the free phones heard over the name (`DirectoryMatcher.soundsLike`). */
  soundsLike?: ReadonlyMap<string, number>;
  /** false: a recogniser that checks its words against the audio (`fit`) left this answer unchecked. */
  checked?: boolean;
  /** The answer asks for someone in words of its own (`MatchResult.asked`). */
  asked?: boolean;
  /** Voiced time in the answer less its pauses, ms, when known. */
  voicedMs?: number;
  /** Phones it takes to say the words heard (`MatchResult.phones`), when known. */
  transcriptPhones?: number;
  /** Phones the free phone loop heard over the whole answer (`SpeechResult.loopPhones`), when known. */
  loopPhones?: number;
}

export interface Decision {
  outcome: Outcome;
  entry: string | null;
  /** Entries within the margin of the best, for asking the caller to choose. */
  contenders: string[];
  /** Nobody named for sure, but maybe a name of one word, heard badly: ask for the full name (`oneWordNameFit`). */
  askFullName?: boolean;
}

/** Turns recognition evidence into the challenge's outcome. Pure. */
export function decide(e: Evidence, p: DecisionPolicy = DEFAULT_POLICY): Decision {
  if (e.speechMs === 0 && e.transcriptWords === 0) return { outcome: 'silence', entry: null, contenders: [] };
  // A long monologue is a machine even when it happens to mention "customer service".
  if (e.speechMs >= p.machineSpeechMs || e.transcriptWords > p.machineWords) {
    return { outcome: 'machine', entry: null, contenders: [] };
  }
  const unexplainedMs =
    e.voicedMs && e.transcriptPhones ? e.voicedMs - e.transcriptPhones * SLOW_PHONE_MS : 0;
  if (p.unexplainedSpeechMs > 0 && unexplainedMs > p.unexplainedSpeechMs)
    return { outcome: 'nomatch', entry: null, contenders: [] };
  const unexplainedPhones =
    e.loopPhones !== undefined && e.transcriptPhones ? e.loopPhones - e.transcriptPhones : 0;
  if (p.unexplainedPhones > 0 && unexplainedPhones > p.unexplainedPhones)
    return { outcome: 'nomatch', entry: null, contenders: [] };
  const [top, ...rest] = e.candidates;
  // The grammar always hears some name; when the audio fits its words badly, nobody was named.
  // Just below the line the name may well be right (a long greeting before it drags the fit),
  // and a caller who did not ask for it will not press a key for it: ask rather than refuse.
  const doubtful = e.fit !== undefined && e.fit < p.minAcousticFit;
  if (doubtful && (e.fit as number) < p.confirmAcousticFit)
    return { outcome: 'nomatch', entry: null, contenders: [] };
  if (!top || top.score < p.acceptScore) return { outcome: 'nomatch', entry: null, contenders: [] };
  const soundsOff =
    !top.oneWord &&
    p.fullNameSound > 0 &&
    e.fit !== undefined &&
    e.fit < CLEAR_FULL_NAME_FIT &&
    !!e.soundsLike?.size &&
    (e.soundsLike.get(top.id) ?? 0) < p.fullNameSound;
  if (soundsOff) return { outcome: 'nomatch', entry: null, contenders: [] };
  // Callers who name nobody ("hey", "hello?", a name not here) are heard as one name word far
  // more often than as a full name: a lone name word that fits badly is not read back to them.
  // Nor is a department's name of any length: its words are ones callers use for anything
  // ("is this the dentist's office?" heard as "dispatch office").
  const loneFit = e.asked ? Math.min(p.oneWordNameFit, p.askedNameFit) : p.oneWordNameFit;
  if ((top.oneWord || top.department) && e.fit !== undefined && e.fit < loneFit)
    return { outcome: 'nomatch', entry: null, contenders: [], askFullName: true };
  const close = rest.filter((c) => top.score - c.score < p.margin);
  // The grammar named one entry, but what was heard, grammar aside, sounds more like another:
  // ask rather than route a caller to the wrong person.
  const rival = close.length ? undefined : rivalBySound(top.id, e.soundsLike, p.phoneMargin);
  // A lone name word that is also in doubt ("Hey." heard as "Kate", the phones nearer another
  // name) is not read back with others to choose from: that would tell a caller who named
  // nobody who works here. Nor is one that fits more entries than a choice can offer (a first
  // name shared by many in a large directory): three of them picked by directory order is a
  // guess, read to whoever said it. Its caller is asked for the full name instead. A
  // department's one word is its whole name: in doubt between departments, its caller
  // chooses. But phones nearer a person may be a person asked for ("Is Millie there?" heard as
  // "billing", sounding like Robert Miller), and that person's name is not read to them.
  const tooMany = close.length >= CHOICES_OFFERED;
  // Without the check, a forced grammar's name is wrong far more often (bench/accuracy with the
  // phone loop and RNNoise off, as such answers mostly are: 51 of 251 answers routed to a wrong
  // entry, against 8): the caller confirms. But not a lone name word, which is what a greeting
  // mostly becomes: read back unchecked, it tells a caller who named nobody who works here.
  const unchecked = e.checked === false && p.confirmUnchecked;
  const isDepartment = (id: string) => e.candidates.some((c) => c.id === id && c.department);
  const inDoubt = top.department
    ? rival !== undefined && !isDepartment(rival)
    : rival || tooMany || unchecked;
  if (top.oneWord && inDoubt) return { outcome: 'nomatch', entry: null, contenders: [], askFullName: true };
  if (close.length)
    return { outcome: 'ambiguous', entry: null, contenders: [top.id, ...close.map((c) => c.id)] };
  // Two names in doubt between each other and both fitting badly: most often a caller naming
  // nobody whose words the grammar forced onto a name ("Mr. Dimitriou" heard as "debbie turner").
  if (rival && e.fit !== undefined && e.fit < p.rivalFit)
    return { outcome: 'nomatch', entry: null, contenders: [] };
  if (rival) return { outcome: 'ambiguous', entry: null, contenders: [top.id, rival] };
  if (doubtful || unchecked) return { outcome: 'ambiguous', entry: null, contenders: [top.id] };
  return { outcome: 'match', entry: top.id, contenders: [top.id] };
}

/** The entry that sounds most like the free phones, if it beats `named` by more than `margin`. */
function rivalBySound(
  named: string,
  soundsLike: ReadonlyMap<string, number> | undefined,
  margin: number,
): string | undefined {
  if (!soundsLike?.size) return undefined;
  const mine = soundsLike.get(named) ?? 0;
  let best: [string, number] | undefined;
  for (const [id, s] of soundsLike) {
    if (id !== named && s > mine + margin && (!best || s > best[1])) best = [id, s];
  }
  return best?.[0];
}

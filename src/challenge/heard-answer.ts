import type { EndpointReason } from '../audio/endpointer.js';
import type { Outcome } from '../match/decide.js';

/** One answer of the caller's, as the call report and the log keep it. */
export interface HeardAnswer {
  outcome: Outcome;
  /** The directory entry asked for (outcome `match`). */
  entry: string | null;
  /** Entries the answer could not tell apart (outcome `ambiguous`). */
  contenders: string[];
  /** Outcome `nomatch`, but maybe a first or last name alone, heard badly: ask for the full name. */
  askFullName?: boolean;
  transcript: string;
  candidates: Array<{ id: string; score: number }>;
  endpoint: EndpointReason;
  /** Audio received from the caller (silence filled in), ms. */
  audioMs: number;
  /** From the first to the last voiced frame, ms. */
  speechMs: number;
  /** ...less its pauses, ms (reports of older versions lack it). */
  voicedMs?: number;
  /** Level of the voiced part, dBFS (null when nothing was said). */
  speechDbfs: number | null;
  /** The line's noise floor when listening stopped, dBFS (null on a digitally silent line): a hissing line explains a misheard name. */
  noiseFloorDbfs: number | null;
  /** From the end of the answer to the decision, ms. */
  decisionMs: number;
  /** The recogniser's acoustic fit of the transcript (`challenge.minAcousticFit`), when it gives one. */
  fit?: number;
  /** false: the recogniser left its check out under load, so a name heard was confirmed (`challenge.confirmUnchecked`). */
  checked?: boolean;
  /** Phones the recogniser's free phone loop heard over the whole answer, when it checks (`SpeechResult.loopPhones`). */
  loopPhones?: number;
  /** The caller confirmed the name, or chose it from several, by key: an unsure answer (`announce`). */
  chosen?: true;
  /** Whether the recogniser heard the answer cleaned of line noise (`speech.soundswallower.denoise`), when it cleans any. */
  denoised?: boolean;
  /** How long the answer's last audio waited for the recogniser, ms: a loaded machine shows here first. */
  recognitionLagMs?: number;
  /** The frequency warp the recogniser heard the answer through, when it tries several (`SpeechResult.warp`). */
  recognitionWarp?: number;
  frames: number;
  /** Frames that arrived before chan_websocket's MEDIA_START line. */
  framesBeforeStart: number;
  recording: string | null;
  /** How many times the caller talked on over the hold, and was heard out as one answer (`listen.holdMs`). */
  heardOut?: number;
  /** The second question (challenge.secondQuestion), asked after a clear answer. */
  second?: SecondAnswer;
}

export interface SecondAnswer {
  question: string;
  transcript: string;
  /** From asking to the decision on the answer. */
  ms: number;
  /** A person who gave the right answer; true also when the question could not be asked. */
  passed: boolean;
  recording: string | null;
}

import { Endpointer, type EndpointerOptions, type EndpointReason } from '../audio/endpointer.js';
import { SpeechGate, type SpeechGateOptions } from '../audio/speech-gate.js';
import { bytesFromPcm, pcmFromBytes } from '../audio/wav.js';
import { type Decision, type DecisionPolicy, decide, type Evidence } from '../match/decide.js';
import type { Candidate, DirectoryMatcher, MatchResult } from '../match/matcher.js';
import { finalResult, type SpeechEngine, type SpeechResult, type SpeechStream } from '../speech/engine.js';
import { defined } from '../util/defined.js';
import { withTimeout } from '../util/timeout.js';

export interface AnswerResult extends Decision {
  transcript: string;
  candidates: Candidate[];
  endpoint: EndpointReason;
  /** Voiced time, ms of audio, from `speechStartMs` into the answer. */
  speechMs: number;
  /** ...less its pauses (`Endpoint.voicedMs`). */
  voicedMs: number;
  speechStartMs: number;
  /** Audio heard, ms. */
  audioMs: number;
  /** From the end of listening to the decision, ms of wall time. */
  decisionMs: number;
  /** The recogniser's acoustic fit of the transcript, when it gives one. */
  fit?: number;
  /** false: the recogniser left its check of the words against the audio out (`SpeechResult.checked`). */
  checked?: boolean;
  /** Phones the recogniser's free phone loop heard over the whole answer (`SpeechResult.loopPhones`). */
  loopPhones?: number;
  /** Whether the recogniser heard the answer cleaned of line noise, when it cleans any. */
  denoised?: boolean;
  /** How long the answer's last audio waited for the recogniser, ms, when it says (`SpeechResult.lagMs`). */
  recognitionLagMs?: number;
  /** The frequency warp the recogniser heard the answer through, when it tries several (`SpeechResult.warp`). */
  recognitionWarp?: number;
  /** The line's noise floor when listening stopped, dBFS; null on a digitally silent line. */
  noiseFloorDbfs: number | null;
  /** What the decision was made on: decided again under other settings, it shows their trade-off (`bench/accuracy`). */
  evidence: Evidence;
}

/** How an answer that names someone is heard out (`listen.holdMs`, `listen.talkOverMs`). */
export interface HoldOptions {
  holdMs: number;
  talkOverMs: number;
}

export interface AnswerDeps {
  engine: SpeechEngine;
  matcher: DirectoryMatcher;
  policy: DecisionPolicy;
  listen: Omit<EndpointerOptions, 'sampleRate'> & Omit<SpeechGateOptions, 'sampleRate'> & HoldOptions;
  /** Longest wait for the engine's final result after the audio ends. */
  finalTimeoutMs: number;
  hints: string[];
  /** The engine's grammar to search (`StreamOptions.grammar`); the directory's when absent. */
  grammar?: string;
  /** false: the audio is a file, fed faster than it was spoken (`StreamOptions.realTime`). */
  realTime?: boolean;
}

/** A transcript matched against the directory and decided on: what every answer goes through. */
export function judgeTranscript(
  deps: Pick<AnswerDeps, 'matcher' | 'policy'>,
  transcript: string,
  speechMs: number,
  heard: Pick<SpeechResult, 'fit' | 'phones' | 'checked' | 'loopPhones'> = {},
  /** Voiced time less pauses, ms (`Endpoint.voicedMs`), when known. */
  voicedMs?: number,
): { match: MatchResult; decision: Decision; evidence: Evidence } {
  const match = deps.matcher.match(transcript);
  const top = match.candidates[0]?.id;
  const evidence: Evidence = {
    speechMs,
    transcriptWords: match.words.length,
    ...(voicedMs ? { voicedMs } : {}),
    ...(voicedMs || heard.loopPhones !== undefined ? { transcriptPhones: match.phones } : {}),
    candidates: match.candidates,
    ...(match.asked ? { asked: true } : {}),
    ...defined({ fit: heard.fit, checked: heard.checked, loopPhones: heard.loopPhones }),
    ...(heard.phones?.length && top
      ? { soundsLike: deps.matcher.soundsLike(heard.phones, top, deps.policy.phoneMargin) }
      : {}),
  };
  return { match, decision: decide(evidence, deps.policy), evidence };
}

/**
 * Whether to hold an answer and hear whether the caller goes on (`listen.holdMs`): one that
 * would put them through to someone or read names to them; and, once they have talked on over
 * a hold (`part` > 1), one that still names nobody, until they stop or are heard out as a machine.
 */
export const goesOn = (r: Pick<Decision, 'outcome'>, part: number): boolean =>
  r.outcome === 'match' || r.outcome === 'ambiguous' || (part > 1 && r.outcome === 'nomatch');

/** What `continueAnswer` reads of each part of an answer. */
export interface AnswerPart {
  transcript: string;
  speechMs: number;
  voicedMs?: number;
  fit?: number;
  checked?: boolean;
  loopPhones?: number;
}

/**
 * The caller went on talking after an answer that named someone (`listen.holdMs`): the
 * endpoint fell in a pause, and both parts are one answer. Their speech adds up, so a recorded
 * message whose first words happen to name someone is still heard out as a machine; shorter, the
 * whole transcript is judged, as doubtful as its least fitting part. Pure.
 */
export function continueAnswer(
  deps: Pick<AnswerDeps, 'matcher' | 'policy'>,
  first: AnswerPart,
  next: AnswerPart,
): AnswerPart & ReturnType<typeof judgeTranscript> {
  const transcript = [first.transcript, next.transcript].filter(Boolean).join(' ');
  const speechMs = first.speechMs + next.speechMs;
  const voicedMs = sumOfKnown(first.voicedMs, next.voicedMs);
  const loopPhones = sumOfKnown(first.loopPhones, next.loopPhones);
  const fits = [first.fit, next.fit].filter((f): f is number => f !== undefined);
  const checks = [first.checked, next.checked].filter((c): c is boolean => c !== undefined);
  const heard = {
    ...(fits.length ? { fit: Math.min(...fits) } : {}),
    ...(checks.length ? { checked: checks.every(Boolean) } : {}),
    ...defined({ loopPhones }),
  };
  return {
    ...judgeTranscript(deps, transcript, speechMs, heard, voicedMs),
    transcript,
    speechMs,
    ...defined({ voicedMs }),
    ...heard,
  };
}

/** A measure of both parts, unknown when either part's is (an older report, a check shed). */
const sumOfKnown = (a: number | undefined, b: number | undefined): number | undefined =>
  a !== undefined && b !== undefined ? a + b : undefined;

/**
 * What `continueAnswer` measured of the whole answer, for the record of it that the live call
 * and `screen-file` each keep: every measure in one place, the ones not known left out.
 */
export const measuresOf = (whole: AnswerPart): Partial<AnswerPart> =>
  defined({ voicedMs: whole.voicedMs, fit: whole.fit, checked: whole.checked, loopPhones: whole.loopPhones });

/**
 * One caller's answer, from audio to decision: frames go to the endpointer (when did they
 * stop talking?) and the speech engine (what did they say?) together; the transcript is
 * matched against the directory and decided on. The live call and `doorman screen-file` both
 * run exactly this.
 */
export class AnswerListener {
  private readonly endpointer: Endpointer;
  private readonly gate: SpeechGate;
  private readonly stream: SpeechStream;
  private readonly result: Promise<SpeechResult>;

  constructor(
    private readonly deps: AnswerDeps,
    sampleRate: 8000 | 16000,
    signal: AbortSignal,
  ) {
    this.endpointer = new Endpointer({ sampleRate, ...deps.listen });
    this.gate = new SpeechGate({ sampleRate, ...deps.listen });
    this.stream = deps.engine.open({
      sampleRate,
      hints: deps.hints,
      language: 'en-US',
      signal,
      maxAudioMs: deps.listen.noSpeechTimeoutMs + deps.listen.maxSpeechMs,
      ...(deps.grammar ? { grammar: deps.grammar } : {}),
      ...(deps.realTime === undefined ? {} : { realTime: deps.realTime }),
    });
    this.result = finalResult(this.stream);
    this.result.catch(() => {});
  }

  /** Feeds one frame of 16-bit PCM; true once the answer is over. */
  push(frame: Buffer): boolean {
    if (this.endpointer.done) return true;
    const pcm = pcmFromBytes(frame);
    for (const heard of this.gate.push(pcm)) this.stream.write(bytesFromPcm(heard));
    return this.endpointer.push(pcm) !== null;
  }

  async finish(): Promise<AnswerResult> {
    const t0 = performance.now();
    const ep = this.endpointer.finish();
    this.stream.end();
    const speechMs = ep.speechStartMs === null ? 0 : (ep.speechEndMs ?? 0) - ep.speechStartMs;
    // No voiced audio at all: whatever a forced grammar made of line noise is not an answer.
    const heard: SpeechResult =
      speechMs > 0 && this.gate.passedSpeech
        ? await withTimeout(this.result, this.deps.finalTimeoutMs, 'final transcript')
        : { text: '', final: true };
    const transcript = heard.text;
    const { match, decision, evidence } = judgeTranscript(
      this.deps,
      transcript,
      speechMs,
      heard,
      ep.voicedMs,
    );
    return {
      ...decision,
      evidence,
      ...defined({
        fit: heard.fit === undefined ? undefined : Math.round(heard.fit * 10) / 10,
        checked: heard.checked,
        loopPhones: heard.loopPhones,
        denoised: heard.denoised,
        recognitionLagMs: heard.lagMs,
        recognitionWarp: heard.warp,
      }),
      transcript,
      candidates: match.candidates.slice(0, 5),
      endpoint: ep.reason,
      speechMs,
      voicedMs: ep.voicedMs,
      speechStartMs: ep.speechStartMs ?? 0,
      audioMs: this.endpointer.elapsedMs,
      noiseFloorDbfs: this.endpointer.noiseFloorDbfs,
      decisionMs: performance.now() - t0,
    };
  }
}

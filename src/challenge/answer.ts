import { Endpointer, type EndpointerOptions, type EndpointReason } from '../audio/endpointer.js';
import { pcmFromBytes } from '../audio/wav.js';
import { type Decision, type DecisionPolicy, decide } from '../match/decide.js';
import type { Candidate, DirectoryMatcher } from '../match/matcher.js';
import { finalText, type SpeechEngine, type SpeechStream } from '../speech/engine.js';
import { withTimeout } from '../util/timeout.js';

export interface AnswerResult extends Decision {
  transcript: string;
  candidates: Candidate[];
  endpoint: EndpointReason;
  /** Voiced time, ms of audio, from `speechStartMs` into the answer. */
  speechMs: number;
  speechStartMs: number;
  /** Audio heard, ms. */
  audioMs: number;
  /** From the end of listening to the decision, ms of wall time. */
  decisionMs: number;
}

export interface AnswerDeps {
  engine: SpeechEngine;
  matcher: DirectoryMatcher;
  policy: DecisionPolicy;
  listen: Omit<EndpointerOptions, 'sampleRate'>;
  /** Longest wait for the engine's final result after the audio ends. */
  finalTimeoutMs: number;
  hints: string[];
}

/**
 * One caller's answer, from audio to decision: frames go to the endpointer (when did they
 * stop talking?) and the speech engine (what did they say?) together; the transcript is
 * matched against the directory and decided on. The live call and `doorman screen-file` both
 * run exactly this.
 */
export class AnswerListener {
  private readonly endpointer: Endpointer;
  private readonly stream: SpeechStream;
  private readonly text: Promise<string>;

  constructor(
    private readonly deps: AnswerDeps,
    sampleRate: 8000 | 16000,
    signal: AbortSignal,
  ) {
    this.endpointer = new Endpointer({ sampleRate, ...deps.listen });
    this.stream = deps.engine.open({
      sampleRate,
      hints: deps.hints,
      language: 'en-US',
      signal,
      maxAudioMs: deps.listen.noSpeechTimeoutMs + deps.listen.maxSpeechMs,
    });
    this.text = finalText(this.stream);
    this.text.catch(() => {});
  }

  /** Feeds one frame of 16-bit PCM; true once the answer is over. */
  push(frame: Buffer): boolean {
    if (this.endpointer.done) return true;
    this.stream.write(frame);
    return this.endpointer.push(pcmFromBytes(frame)) !== null;
  }

  async finish(): Promise<AnswerResult> {
    const t0 = performance.now();
    const ep = this.endpointer.finish();
    this.stream.end();
    const speechMs = ep.speechStartMs === null ? 0 : (ep.speechEndMs ?? 0) - ep.speechStartMs;
    // No voiced audio at all: whatever a forced grammar made of line noise is not an answer.
    const transcript =
      speechMs > 0 ? await withTimeout(this.text, this.deps.finalTimeoutMs, 'final transcript') : '';
    const match = this.deps.matcher.match(transcript);
    const decision = decide(
      { speechMs, transcriptWords: match.words.length, candidates: match.candidates },
      this.deps.policy,
    );
    return {
      ...decision,
      transcript,
      candidates: match.candidates.slice(0, 5),
      endpoint: ep.reason,
      speechMs,
      speechStartMs: ep.speechStartMs ?? 0,
      audioMs: this.endpointer.elapsedMs,
      decisionMs: performance.now() - t0,
    };
  }
}

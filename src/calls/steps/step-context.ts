import type { ChallengeTimings } from '../../challenge/dialogue.js';
import type { HeardAnswer } from '../../challenge/heard-answer.js';
import type { ChallengeContext } from '../../challenge/steps/context.js';
import type { Route } from '../../config/schema.js';
import type { CallerNumber } from '../../match/caller-id.js';
import type { CheckContext, Step } from '../../policy/check.js';
import type { CheckTrace } from '../../policy/pipeline.js';
import type { PinSets } from '../../store/pin-sets.js';
import type { CallerSource } from '../../store/schema.js';

/**
 * What a step of a call may use: the pre-answer checks' questions about the caller, and for the
 * steps that talk with the caller (pin, challenge) the caller's channel and what they judge by.
 */
export interface StepContext extends CheckContext, ChallengeContext {
  route: Route;
  caller: CallerNumber;
  pins: PinSets;
  timings: ChallengeTimings & { announceMs?: number; announceFirstAudioMs?: number };
  /** What a step learned that outlives it: the routing, the after-call writes and the report read it. */
  found: StepFindings;
  /** A trace line of the step's own, beside the one the pipeline writes for it (the second question). */
  trace(t: CheckTrace): void;
}

export interface StepFindings {
  /** The caller's answer to the speech challenge. */
  answer?: HeardAnswer;
  /** The name of the directory entry that answer matched. */
  askedFor?: string;
  /** The label of the PIN entered: the CDR's account code. */
  accountCode?: string;
  /** The caller passed: once routed, allowlist them with the verdict's destination. */
  allowlist?: { source: CallerSource; addedBy: string; note: string; expiresAt?: string };
}

/** A step of a call: one file, listed in `CALL_STEPS` (steps/index.ts) under the name a route uses. */
export type CallStep = Step<StepContext>;

import type { HeardAnswer } from '../challenge/heard-answer.js';
import type { CallerNumber } from '../match/caller-id.js';
import type { CheckTrace } from '../policy/pipeline.js';
import type { Verdict } from '../policy/verdict.js';
import type { CallRow } from '../store/store.js';

export interface CallFacts {
  channelId: string;
  callerNumber: string;
  callerName: string;
  /** The number dialled (the dialplan extension that ran Stasis). */
  did: string;
  /** The route's key in config: the Stasis argument when a route has that name, else `default`. */
  route: string;
}

export interface CallReport {
  /** The call's row in the call log (`calls.id`). */
  id: string;
  facts: CallFacts;
  outcome: 'routed' | 'hung-up' | 'handed-back' | 'failed';
  verdict: Verdict | null;
  /** Each check's outcome and time, in the order they ran (the challenge last). */
  checks: CheckTrace[];
  answer: HeardAnswer | null;
  /** The label of the PIN the caller entered, set as CHANNEL(accountcode). */
  accountCode: string | null;
  error: string | null;
  timings: {
    /** From entering Stasis to the first prompt starting to play. */
    firstPromptMs?: number;
    answerMs?: number;
    promptMs?: number;
    mediaSetupMs?: number;
    listenMs?: number;
    /** Asking an ambiguous answer's caller to choose, until the key press (or giving up). */
    choiceMs?: number;
    /** An announced call: from ringing the person asked for to their key (the caller held meanwhile). */
    announceMs?: number;
    /** An announced call: from the callee answering to the announcement's first audio. */
    announceFirstAudioMs?: number;
    totalMs: number;
  };
}

/** Timings as the log and the call log keep them: whole milliseconds, only those measured. */
export function roundTimings(t: CallReport['timings']): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(t)) if (v !== undefined) out[k] = Math.round(v);
  return out;
}

/** A finished call as its row in the call log. */
export function callLogRow(r: CallReport, startedAt: Date, caller: CallerNumber): CallRow {
  return {
    id: r.id,
    channel_id: r.facts.channelId,
    started_at: startedAt.toISOString(),
    caller_number: caller.key,
    caller_raw: caller.raw,
    caller_name: r.facts.callerName,
    did: r.facts.did,
    route: r.facts.route,
    outcome: r.outcome,
    destination: r.verdict?.destination ?? null,
    reason: r.verdict?.reason ?? r.error,
    check_name: r.verdict?.check ?? null,
    checks: JSON.stringify(r.checks),
    transcript: r.answer?.transcript ?? null,
    candidates: r.answer ? JSON.stringify(r.answer.candidates) : null,
    recording: r.answer?.recording ?? null,
    question_recording: r.answer?.second?.recording ?? null,
    timings: JSON.stringify(roundTimings(r.timings)),
    account_code: r.accountCode,
  };
}

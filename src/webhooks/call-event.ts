import type { CallReport } from '../calls/call-report.js';
import type { LiveEvent } from '../calls/live-feed.js';
import type { CallerListedEvent, ScreeningChangedEvent } from './change-events.js';

export type WebhookEvent = CallFinishedEvent | CallStartedEvent | ScreeningChangedEvent | CallerListedEvent;

export interface CallFinishedEvent {
  /** Unique per event: receivers use it to drop a delivery they already have. */
  id: string;
  type: 'call.finished';
  at: string;
  call: {
    id: string;
    channelId: string;
    callerNumber: string;
    callerName: string;
    did: string;
    route: string;
    outcome: CallReport['outcome'];
    destination: string | null;
    reason: string | null;
    check: string | null;
    accountCode: string | null;
    transcript: string | null;
    candidates: Array<{ id: string; score: number }>;
    recordingUrl: string | null;
    checks: CallReport['checks'];
    durationMs: number;
  };
}

/** A call as it enters Doorman, before any check: who calls, which number they dialled. */
export interface CallStartedEvent {
  id: string;
  type: 'call.started';
  at: string;
  /** `id` is the one `call.finished` will carry. */
  call: { id: string; callerNumber: string; callerName: string; did: string; route: string };
}

export function callStarted(e: Extract<LiveEvent, { type: 'started' }>): CallStartedEvent {
  const { callId, callerNumber, callerName, did, route } = e;
  return {
    id: `call.started:${callId}`,
    type: 'call.started',
    at: e.at,
    call: { id: callId, callerNumber, callerName, did, route },
  };
}

/** What a CRM hears about a finished call: the verdict, the answer, where to fetch the recording. */
export function callFinished(report: CallReport, publicUrl: string): CallFinishedEvent {
  const base = publicUrl.replace(/\/$/, '');
  return {
    id: `call.finished:${report.id}`,
    type: 'call.finished',
    at: new Date().toISOString(),
    call: {
      id: report.id,
      channelId: report.facts.channelId,
      callerNumber: report.facts.callerNumber,
      callerName: report.facts.callerName,
      did: report.facts.did,
      route: report.facts.route,
      outcome: report.outcome,
      destination: report.verdict?.destination ?? null,
      reason: report.verdict?.reason ?? report.error,
      check: report.verdict?.check ?? null,
      accountCode: report.accountCode,
      transcript: report.answer?.transcript ?? null,
      candidates: report.answer?.candidates ?? [],
      recordingUrl: report.answer?.recording && base ? `${base}/api/calls/${report.id}/recording` : null,
      checks: report.checks,
      durationMs: Math.round(report.timings.totalMs),
    },
  };
}

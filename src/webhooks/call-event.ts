import type { CallReport } from '../calls/call-report.js';

export interface WebhookEvent {
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

/** What a CRM hears about a finished call: the verdict, the answer, where to fetch the recording. */
export function callFinished(report: CallReport, publicUrl: string): WebhookEvent {
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

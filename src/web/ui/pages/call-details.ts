import type { CallView } from '../../routes/calls.js';
import { h, table } from '../dom.js';

/** Rows of the stored JSON (checks, candidates), each field as text: old rows may differ in shape. */
function records(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => !!v && typeof v === 'object')
    : [];
}
const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

function recordingFigure(id: string, path: string, caption: string): HTMLElement {
  return h(
    'figure',
    {},
    h('figcaption', {}, caption),
    h('audio', { controls: true, preload: 'metadata', src: `/api/calls/${encodeURIComponent(id)}/${path}` }),
  );
}

/** What the row of a call opens to: each check, what the caller said, the candidates, the recordings. */
export function callDetails(c: CallView): HTMLElement {
  const timings =
    c.timings && typeof c.timings === 'object'
      ? Object.entries(c.timings as Record<string, unknown>).map(([k, v]) => `${k} ${text(v)} ms`)
      : [];
  return h(
    'div',
    { class: 'details' },
    table(
      'Checks',
      [
        { label: 'Check', cell: (r) => text(r.check) },
        { label: 'Result', cell: (r) => text(r.result) },
        { label: 'Time (ms)', cell: (r) => text(r.ms), numeric: true },
        { label: 'Detail', cell: (r) => text(r.detail) },
      ],
      records(c.checks),
    ),
    h('p', {}, h('strong', {}, 'Transcript: '), c.transcript ?? '(none)'),
    table(
      'Candidates',
      [
        { label: 'Entry', cell: (r) => text(r.id) },
        { label: 'Heard as', cell: (r) => text(r.heard) },
        {
          label: 'Score',
          cell: (r) => (typeof r.score === 'number' ? r.score.toFixed(2) : text(r.score)),
          numeric: true,
        },
      ],
      records(c.candidates),
    ),
    timings.length ? h('p', {}, h('strong', {}, 'Timings: '), timings.join(', ')) : null,
    c.hasRecording ? recordingFigure(c.id, 'recording', 'Recorded answer') : h('p', {}, 'No recording.'),
    c.hasQuestionRecording
      ? recordingFigure(c.id, 'question-recording', 'Recorded answer to the second question')
      : null,
  );
}

import type { CallView } from '../../routes/calls.js';
import { get, post, query } from '../api.js';
import { localDayStart, when } from '../dates.js';
import { type Child, field, fill, h, select, table } from '../dom.js';
import type { Page } from '../page.js';
import { announce, attempt } from '../status.js';

const PAGE_SIZE = 50;
const OUTCOMES = ['routed', 'hung-up', 'handed-back', 'failed'];

/** The API's filter for calls; dates are the user's local midnights. */
interface Filter {
  outcome?: string;
  from?: string;
  to?: string;
  caller?: string;
}

/** Rows of the stored JSON (checks, candidates), each field as text: old rows may differ in shape. */
function records(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => !!v && typeof v === 'object')
    : [];
}
const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

function details(c: CallView): HTMLElement {
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

function recordingFigure(id: string, path: string, caption: string): HTMLElement {
  return h(
    'figure',
    {},
    h('figcaption', {}, caption),
    h('audio', { controls: true, preload: 'metadata', src: `/api/calls/${encodeURIComponent(id)}/${path}` }),
  );
}

function callRows(calls: CallView[]): HTMLElement {
  const headers = [
    'Started',
    'Caller',
    'Name',
    'DID',
    'Outcome',
    'Check',
    'Destination',
    'Reason',
    'Transcript',
    '',
  ];
  const body = h('tbody');
  for (const c of calls) {
    const more = h('tr', { class: 'more', hidden: true }, h('td', { colspan: headers.length }, details(c)));
    more.id = `call-${c.id}`;
    const toggle = h(
      'button',
      {
        type: 'button',
        'aria-expanded': 'false',
        'aria-controls': more.id,
        'aria-label': `Details of the call from ${c.callerNumber || 'a withheld number'} at ${when(c.startedAt)}`,
      },
      'Details',
    );
    toggle.addEventListener('click', () => {
      more.hidden = !more.hidden;
      toggle.setAttribute('aria-expanded', String(!more.hidden));
    });
    const cells: Child[] = [
      when(c.startedAt),
      c.callerNumber || c.callerRaw,
      c.callerName,
      c.did,
      c.outcome,
      c.check,
      c.destination,
      c.reason,
      c.transcript,
      toggle,
    ];
    body.append(h('tr', {}, ...cells.map((v) => h('td', {}, v))), more);
  }
  return h(
    'table',
    {},
    h('caption', {}, 'Calls'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...headers.map((l) => h('th', { scope: 'col' }, l || h('span', { class: 'sr' }, 'Details'))),
      ),
    ),
    body,
  );
}

/** The screening log: filter, each call's checks and answer (with its recording), mark as spam. */
export const callsPage: Page = {
  path: '/calls',
  title: 'Screening log',
  async render({ main, signal }) {
    let filter: Filter = {};
    let offset = 0;
    let total = 0;
    const results = h('div');
    const spamResult = h('p', { 'aria-live': 'polite' });
    const spamButton = h('button', { type: 'button', class: 'danger' }, 'Mark all filtered calls as spam');

    const load = async () => {
      const page = await get<{ total: number; items: CallView[] }>(
        `/api/calls${query({ ...filter, limit: PAGE_SIZE, offset })}`,
        signal,
      );
      total = page.total;
      const last = offset + page.items.length;
      const pageBy = (delta: number) => async () => {
        offset = Math.max(0, offset + delta);
        await attempt(load);
      };
      spamButton.disabled = total === 0;
      spamButton.textContent = `Mark all ${total} filtered calls as spam`;
      fill(
        results,
        h(
          'p',
          { 'aria-live': 'polite' },
          total ? `Calls ${offset + 1}–${last} of ${total}` : 'No calls match.',
        ),
        page.items.length ? callRows(page.items) : null,
        h(
          'div',
          { class: 'pager' },
          h('button', { type: 'button', disabled: offset === 0, onclick: pageBy(-PAGE_SIZE) }, 'Previous'),
          h('button', { type: 'button', disabled: last >= total, onclick: pageBy(PAGE_SIZE) }, 'Next'),
        ),
      );
    };

    spamButton.addEventListener('click', async () => {
      const r = await attempt(() =>
        post<{ blocked: string[]; skipped: number }>('/api/calls/mark-spam', { filter }, signal),
      );
      if (!r) return;
      const said = `${r.blocked.length} numbers added to the block list${r.skipped ? `, ${r.skipped} withheld skipped` : ''}.`;
      spamResult.textContent = said;
      announce(said);
    });

    const outcome = select([['', 'Any'], ...OUTCOMES.map((o): [string, string] => [o, o])], '', {
      name: 'outcome',
    });
    const from = h('input', { type: 'date', name: 'from' });
    const to = h('input', { type: 'date', name: 'to' });
    const caller = h('input', { type: 'search', name: 'caller', maxlength: 100 });
    const form = h(
      'form',
      { class: 'inline', role: 'search' },
      field('Outcome', outcome),
      field('From', from),
      field('To (inclusive)', to),
      field('Caller number or name', caller),
      h('button', { type: 'submit' }, 'Filter'),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      filter = {
        ...(outcome.value ? { outcome: outcome.value } : {}),
        ...(from.value ? { from: localDayStart(from.value) } : {}),
        ...(to.value ? { to: localDayStart(to.value, 1) } : {}),
        ...(caller.value.trim() ? { caller: caller.value.trim() } : {}),
      };
      offset = 0;
      spamResult.textContent = '';
      await attempt(load);
    });

    await load();
    main.append(form, h('div', { class: 'bulk' }, spamButton, spamResult), results);
  },
};

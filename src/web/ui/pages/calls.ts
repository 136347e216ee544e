import type { CallView } from '../../routes/calls.js';
import type { Routing } from '../../routes/routing.js';
import { get, post, query } from '../api.js';
import { localDayStart, when } from '../dates.js';
import { type Child, field, fill, h, select } from '../dom.js';
import type { Page } from '../page.js';
import { announce, attempt } from '../status.js';
import { callActions } from './call-actions.js';
import { callDetails } from './call-details.js';

const PAGE_SIZE = 50;
const OUTCOMES = ['routed', 'hung-up', 'handed-back', 'failed'];

/** The API's filter for calls; dates are the user's local midnights. */
interface Filter {
  outcome?: string;
  check?: string;
  destination?: string;
  from?: string;
  to?: string;
  caller?: string;
}

/** Text a caller or a check chose, which can run long: wraps in its own width (app.css). */
const long = (text: string | null): Child => text && h('span', { class: 'long' }, text);

/** A name from a short list (an outcome, a check): too short to be worth breaking at its hyphen. */
const word = (text: string | null): Child => text && h('span', { class: 'word' }, text);

function callRows(calls: CallView[], actions: (c: CallView) => Child[]): HTMLElement {
  const headers = [
    'Started',
    'Caller',
    'DID',
    'Outcome',
    'Check',
    'Destination',
    'Reason',
    'Transcript',
    'Actions',
  ];
  const body = h('tbody');
  for (const c of calls) {
    const more = h(
      'tr',
      { class: 'more', hidden: true },
      h('td', { colspan: headers.length }, callDetails(c)),
    );
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
    const cells: Array<Child | Child[]> = [
      when(c.startedAt),
      [long(c.callerNumber || c.callerRaw), c.callerName && h('span', { class: 'long name' }, c.callerName)],
      c.did,
      word(c.outcome),
      word(c.check),
      word(c.destination),
      long(c.reason),
      long(c.transcript),
      h('div', { class: 'row-actions' }, ...actions(c), toggle),
    ];
    body.append(h('tr', {}, ...cells.map((v) => h('td', {}, ...(Array.isArray(v) ? v : [v])))), more);
  }
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', {}, 'Calls'),
      h('thead', {}, h('tr', {}, ...headers.map((l) => h('th', { scope: 'col' }, l)))),
      body,
    ),
  );
}

/**
 * The screening log: filter, each call's checks and answer (with its recording), allow or block
 * a caller from their row, mark a whole filtered view as spam.
 */
export const callsPage: Page = {
  path: '/calls',
  title: 'Screening log',
  async render({ main, signal }) {
    const routing = await get<Routing>('/api/routing', signal);
    const destinations = routing.destinations.map((d) => d.name);
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
        page.items.length ? callRows(page.items, callActions(destinations, signal)) : null,
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

    const any = (values: readonly string[]) => [
      ['', 'Any'] as [string, string],
      ...values.map((v): [string, string] => [v, v]),
    ];
    const outcome = select(any(OUTCOMES), '', { name: 'outcome' });
    const check = select(any(routing.checks), '', { name: 'check' });
    const destination = select(any(destinations), '', { name: 'destination' });
    const from = h('input', { type: 'date', name: 'from' });
    const to = h('input', { type: 'date', name: 'to' });
    const caller = h('input', { type: 'search', name: 'caller', maxlength: 100 });
    const form = h(
      'form',
      { class: 'inline', role: 'search' },
      field('Outcome', outcome),
      field('Check', check),
      field('Destination', destination),
      field('From', from),
      field('To (inclusive)', to),
      field('Caller number or name', caller),
      h('button', { type: 'submit' }, 'Filter'),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      filter = {
        ...(outcome.value ? { outcome: outcome.value } : {}),
        ...(check.value ? { check: check.value } : {}),
        ...(destination.value ? { destination: destination.value } : {}),
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

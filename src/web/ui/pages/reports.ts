import { query } from '../api.js';
import { localDayStart } from '../dates.js';
import { field, h } from '../dom.js';
import type { Page } from '../page.js';

/** YYYY-MM-DD of a local day `daysAgo` days back, for date inputs. */
function localDay(daysAgo: number): string {
  const d = new Date();
  d.setDate(d.getDate() - daysAgo);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** CSV of the calls in a date range, with the PIN label (account code) each was billed to. */
export const reportsPage: Page = {
  path: '/reports',
  title: 'Reports',
  async render({ main }) {
    const from = h('input', { type: 'date', name: 'from', value: localDay(30), required: true });
    const to = h('input', { type: 'date', name: 'to', value: localDay(0), required: true });
    const link = h('a', { class: 'button', download: 'doorman-calls.csv' }, 'Download calls as CSV');
    const update = () => {
      link.href = `/api/calls/export${query({
        from: from.value ? localDayStart(from.value) : undefined,
        to: to.value ? localDayStart(to.value, 1) : undefined,
      })}`;
    };
    from.addEventListener('input', update);
    to.addEventListener('input', update);
    update();
    main.append(
      h(
        'section',
        {},
        h('h2', {}, 'Calls'),
        h(
          'p',
          {},
          'Every call in the range: when, caller, DID and route, outcome, the check that decided, ',
          'destination, reason, transcript, and the PIN label (account code) for PIN routes.',
        ),
        h('div', { class: 'inline' }, field('From', from), field('To (inclusive)', to)),
        h('p', {}, link),
      ),
    );
  },
};

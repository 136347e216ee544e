import type { Stats } from '../../routes/stats.js';
import { get } from '../api.js';
import { callsChart } from '../chart.js';
import { h, table } from '../dom.js';
import type { Page } from '../page.js';

const DAYS = 14;
/** Outcomes in the order they stack; any other the log holds comes after. */
const KNOWN = ['routed', 'handed-back', 'hung-up', 'failed'];

export const dashboardPage: Page = {
  path: '/',
  title: 'Dashboard',
  async render({ main, signal }) {
    const stats = await get<Stats>(`/api/stats?days=${DAYS}`, signal);
    const seen = new Set(stats.days.flatMap((d) => Object.keys(d.outcomes)));
    const outcomes = [
      ...KNOWN.filter((o) => seen.has(o)),
      ...[...seen].filter((o) => !KNOWN.includes(o)).sort(),
    ];
    const total = stats.days.reduce((n, d) => n + Object.values(d.outcomes).reduce((a, b) => a + b, 0), 0);
    main.append(
      h(
        'section',
        {},
        h('h2', {}, `Calls per day (last ${DAYS} days, UTC): ${total}`),
        callsChart(stats.days, outcomes),
        h(
          'details',
          {},
          h('summary', {}, 'The figures as a table'),
          table(
            'Calls per day by outcome',
            [
              { label: 'Day', cell: (d) => d.day },
              ...outcomes.map((o) => ({
                label: o,
                cell: (d: Stats['days'][number]) => d.outcomes[o] ?? 0,
                numeric: true,
              })),
            ],
            stats.days,
          ),
        ),
      ),
      topNumbers(
        'Most blocked numbers',
        'Numbers the block list turned away',
        stats.topBlocked,
        'no blocked calls',
      ),
      topNumbers(
        'Floods',
        'Numbers held back for calling too often (floods)',
        stats.topFlooding,
        'no calls over the flood limits',
      ),
    );
  },
};

function topNumbers(heading: string, caption: string, rows: Stats['topBlocked'], empty: string) {
  return h(
    'section',
    {},
    h('h2', {}, heading),
    table(
      caption,
      [
        { label: 'Number', cell: (r) => r.number },
        { label: 'Name given', cell: (r) => r.name },
        { label: 'Calls', cell: (r) => r.calls, numeric: true },
      ],
      rows,
      empty,
    ),
  );
}

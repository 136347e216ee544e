import { h, s } from './dom.js';

export interface DayCounts {
  day: string;
  outcomes: Record<string, number>;
}

const W = 640;
const H = 220;
const PAD = { top: 10, right: 10, bottom: 40, left: 36 };

/** A round upper bound for the axis: 1, 2, 5 × a power of ten. */
function niceMax(n: number): number {
  if (n <= 5) return 5;
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= n) as number;
}

/**
 * Calls per day as stacked bars, one colour per outcome (classes `o-<outcome>` in the
 * stylesheet), with a legend; each bar says its figures in a tooltip and to screen readers.
 */
export function callsChart(days: readonly DayCounts[], outcomes: readonly string[]): HTMLElement {
  const totals = days.map((d) => Object.values(d.outcomes).reduce((a, b) => a + b, 0));
  const top = niceMax(Math.max(0, ...totals));
  const plotH = H - PAD.top - PAD.bottom;
  const slot = (W - PAD.left - PAD.right) / Math.max(1, days.length);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;

  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': `Calls per day over the last ${days.length} days, by outcome`,
    class: 'chart',
  });
  for (const v of Number.isInteger(top / 2) ? [0, top / 2, top] : [0, top]) {
    svg.append(
      s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }),
      s('text', { x: PAD.left - 4, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, v),
    );
  }
  days.forEach((d, i) => {
    const x = PAD.left + i * slot + slot * 0.15;
    const bar = s('g', { class: 'bar' });
    const figures = outcomes.filter((o) => d.outcomes[o]).map((o) => `${o} ${d.outcomes[o]}`);
    bar.append(
      s('title', {}, `${d.day}: ${totals[i]} calls${figures.length ? ` (${figures.join(', ')})` : ''}`),
    );
    let base = 0;
    for (const o of outcomes) {
      const n = d.outcomes[o] ?? 0;
      if (!n) continue;
      bar.append(
        s('rect', { x, width: slot * 0.7, y: y(base + n), height: y(base) - y(base + n), class: `o-${o}` }),
      );
      base += n;
    }
    svg.append(bar);
    // Every other label when the days are many, so they do not overlap.
    if (days.length <= 16 || i % 2 === 0)
      svg.append(
        s(
          'text',
          { x: x + slot * 0.35, y: H - PAD.bottom + 16, 'text-anchor': 'middle', class: 'axis' },
          d.day.slice(5),
        ),
      );
  });
  const legend = h(
    'ul',
    { class: 'legend' },
    ...outcomes.map((o) =>
      h(
        'li',
        {},
        s(
          'svg',
          { viewBox: '0 0 10 10', 'aria-hidden': 'true' },
          s('rect', { width: 10, height: 10, class: `o-${o}` }),
        ),
        o,
      ),
    ),
  );
  return h('figure', { class: 'chart' }, svg, legend);
}

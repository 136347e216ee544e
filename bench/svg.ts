import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Series {
  name: string;
  points: Array<[number, number]>;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A line chart as a standalone SVG (no library): axes from 0, ticks, a legend. */
export function lineChart(opts: { title: string; x: string; y: string; series: Series[] }): string {
  const W = 640;
  const H = 360;
  const L = 60;
  const R = 20;
  const T = 40;
  const B = 50;
  const all = opts.series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p[0]));
  const yMax = Math.max(1, ...all.map((p) => p[1])) * 1.1;
  const sx = (x: number) => L + (x / xMax) * (W - L - R);
  const sy = (y: number) => H - B - (y / yMax) * (H - T - B);
  const ticks = (max: number) => Array.from({ length: 6 }, (_, i) => (max * i) / 5);
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(opts.title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(opts.title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    ...ticks(xMax).map(
      (v) =>
        `<text x="${sx(v)}" y="${H - B + 16}" text-anchor="middle">${fmt(v)}</text><line x1="${sx(v)}" y1="${H - B}" x2="${sx(v)}" y2="${H - B + 4}" stroke="black"/>`,
    ),
    ...ticks(yMax).map(
      (v) =>
        `<text x="${L - 6}" y="${sy(v) + 4}" text-anchor="end">${fmt(v)}</text><line x1="${L}" y1="${sy(v)}" x2="${W - R}" y2="${sy(v)}" stroke="#ddd"/>`,
    ),
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">${esc(opts.x)}</text>`,
    `<text x="14" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(T + H - B) / 2})">${esc(opts.y)}</text>`,
  ];
  opts.series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const d = s.points
      .map(([x, y], k) => `${k ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
      .join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const [x, y] of s.points)
      parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${colour}"/>`);
    parts.push(
      `<rect x="${L + 10}" y="${T + 6 + i * 16}" width="10" height="10" fill="${colour}"/><text x="${L + 26}" y="${T + 15 + i * 16}">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Writes a chart next to the benchmark tables (bench/results/ or BENCH_RESULTS_DIR). */
export function publishChart(file: string, svg: string): string {
  const dir = process.env.BENCH_RESULTS_DIR ?? join('bench', 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, svg);
  return path;
}

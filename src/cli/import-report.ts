import type { ImportReport } from '../lists/caller-lists.js';

/** Import progress on stderr: a bar on a terminal, a line every 10% in a log. */
export function progressPrinter(): (done: number, total: number) => void {
  let shown = -1;
  return (done, total) => {
    const pct = Math.floor((100 * done) / total);
    if (process.stderr.isTTY) {
      const bar = '#'.repeat(Math.floor(pct / 5)).padEnd(20, '.');
      process.stderr.write(`\r[${bar}] ${pct}% ${done}/${total}`);
      if (done === total) process.stderr.write('\n');
    } else if (pct >= shown + 10 || done === total) {
      shown = pct;
      process.stderr.write(`${pct}% (${done}/${total})\n`);
    }
  };
}

export function printImportReport(file: string, report: ImportReport): void {
  for (const r of report.rejected) console.error(`${file}:${r.line}: rejected: ${r.reason}`);
  console.log(`imported ${report.imported}, rejected ${report.rejected.length}`);
  process.exitCode = report.rejected.length ? 1 : 0;
}

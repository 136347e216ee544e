import { InvalidInputError } from '../errors.js';
import type { PinSets } from '../store/pin-sets.js';
import type { ImportReport } from './caller-lists.js';
import { csvField, parseCsv } from './csv.js';

/**
 * Imports `label,pin` rows (a header row naming both columns) into a PIN set. Bad rows are
 * reported by line, never echoing the PIN; good rows are written.
 */
export async function importPinsCsv(
  pins: PinSets,
  set: string,
  text: string,
  source: string,
  progress: (done: number, total: number) => void = () => {},
): Promise<ImportReport> {
  const [header, ...data] = [...parseCsv(text)];
  if (!header) throw new InvalidInputError('CSV_EMPTY', `${source} is empty`);
  const cols = header[1].map((h) => h.trim().toLowerCase());
  const labelAt = cols.indexOf('label');
  const pinAt = cols.indexOf('pin');
  if (labelAt < 0 || pinAt < 0)
    throw new InvalidInputError(
      'CSV_HEADER',
      `${source}: the first row must name the columns "label" and "pin"`,
    );
  await pins.listPins(set); // fails now, not once per row, when the set does not exist
  const report: ImportReport = { imported: 0, rejected: [] };
  let done = 0;
  for (const [line, fields] of data) {
    try {
      await pins.putPin(set, fields[labelAt]?.trim() ?? '', fields[pinAt]?.trim() ?? '');
      report.imported++;
    } catch (e) {
      report.rejected.push({ line, reason: e instanceof Error ? e.message : String(e) });
    }
    progress(++done, data.length);
  }
  return report;
}

/** `label,pin` CSV; the pin column is empty for hashed sets, whose PINs are not kept. */
export async function pinsExport(pins: PinSets, set: string, write: (s: string) => void): Promise<number> {
  const rows = await pins.listPins(set);
  write('label,pin\n');
  for (const r of rows) write(`${csvField(r.label)},${csvField(r.pin)}\n`);
  return rows.length;
}

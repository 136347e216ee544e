import { parseCsv } from '../lists/csv.js';
import {
  checkCardCount,
  type ParsedVCards,
  VCARD_MAX_BYTES,
  type VCard,
  VCardError,
  vcardTooLarge,
} from './vcard.js';

/**
 * FreePBX's Contact Manager has no vCard export: its contacts leave it as CSV, through Admin,
 * Bulk Handler, Export, Contacts (columns displayname, fname, lname, phone_N_number,
 * phone_N_type...). Read as the cards they are, so `doorman contacts import` takes either.
 */
export function parseContactManagerCsv(text: string, source: string): ParsedVCards {
  if (text.length > VCARD_MAX_BYTES / 3 && Buffer.byteLength(text, 'utf8') > VCARD_MAX_BYTES)
    throw vcardTooLarge(source);
  const rows = parseCsv(text);
  const first = rows.next();
  const header = first.done ? [] : first.value[1].map((h) => h.trim().toLowerCase());
  const phoneColumns = header.flatMap((h, i) => (/^phone_\d+_number$/.test(h) ? [i] : []));
  const col = (name: string) => header.indexOf(name);
  if (col('displayname') < 0 || phoneColumns.length === 0)
    throw new VCardError(
      'VCARD_INVALID',
      source,
      1,
      'not a Contact Manager export (Bulk Handler CSV with displayname and phone_1_number columns)',
    );
  const out: ParsedVCards = { cards: [], withoutPhone: 0 };
  for (const [line, fields] of { [Symbol.iterator]: () => rows }) {
    checkCardCount(out, source, line, 'contacts');
    const get = (i: number) => (i < 0 ? '' : (fields[i] ?? '').trim());
    const name = get(col('displayname')) || `${get(col('fname'))} ${get(col('lname'))}`.trim() || null;
    const phones: VCard['phones'] = phoneColumns
      .map((i) => ({ value: get(i), type: get(col((header[i] as string).replace(/number$/, 'type'))) }))
      .filter((p) => p.value)
      .map((p) => ({ value: p.value, types: p.type ? [p.type.toLowerCase()] : [] }));
    if (phones.length) out.cards.push({ uid: null, name, phones, line });
    else out.withoutPhone++;
  }
  return out;
}

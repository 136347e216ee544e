import { InvalidInputError } from '../errors.js';

/**
 * vCard 3.0 (RFC 2426) and 4.0 (RFC 6350) as address books export them, reduced to what the
 * allow list needs: a name and phone numbers. Pure: text in, cards out.
 */

/** The most text one parse takes: a large address book with photos is a few MB. */
export const VCARD_MAX_BYTES = 20 * 1024 * 1024;
/** The most cards one parse takes. */
export const VCARD_MAX_CARDS = 50_000;

export interface VCardPhone {
  /** As written in the card, a `tel:` URI reduced to its number. */
  value: string;
  /** TYPE parameters, lower case (`cell`, `voice`, `work`...). */
  types: string[];
}

export interface VCard {
  uid: string | null;
  /** FN, else the parts of N; null when the card has neither. */
  name: string | null;
  phones: VCardPhone[];
  /** Line of its BEGIN:VCARD in the input. */
  line: number;
}

export interface ParsedVCards {
  /** Cards holding at least one TEL, in input order. */
  cards: VCard[];
  /** Cards without any TEL: nothing to allow, so left out rather than refused. */
  withoutPhone: number;
}

/** Input that is not vCard text, or too much of it; `line` (when known) is 1-based. */
export class VCardError extends InvalidInputError {
  constructor(
    code: 'VCARD_INVALID' | 'VCARD_TOO_LARGE' | 'VCARD_TOO_MANY',
    readonly source: string,
    readonly line: number | null,
    problem: string,
  ) {
    super(code, `${source}${line === null ? '' : `:${line}`}: ${problem}`, { source, line });
  }
}

export const vcardTooLarge = (source: string) =>
  new VCardError(
    'VCARD_TOO_LARGE',
    source,
    null,
    `larger than ${VCARD_MAX_BYTES / 1024 / 1024} MB, the most one import takes; nothing was changed. Export without photos, or split the address book.`,
  );

interface Property {
  name: string;
  params: Map<string, string[]>;
  value: string;
}

// Group prefix (item1.), then the name; parameters and value are split by hand because a
// quoted parameter value may hold ':' and ';'.
const NAME = /^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)(?=[;:])/;

function parseLine(line: string): Property | null {
  const m = NAME.exec(line);
  if (!m) return null;
  const params = new Map<string, string[]>();
  let i = m[0].length;
  while (line[i] === ';') {
    i++;
    const eq = /^([A-Za-z0-9-]+)(=?)/.exec(line.slice(i));
    if (!eq) return null;
    i += eq[0].length;
    const key = (eq[1] as string).toUpperCase();
    // vCard 2.1 style bare parameters (`TEL;CELL:`) are types.
    if (!eq[2]) {
      params.set('TYPE', [...(params.get('TYPE') ?? []), key.toLowerCase()]);
      continue;
    }
    const values: string[] = [];
    for (;;) {
      let v: string;
      if (line[i] === '"') {
        const end = line.indexOf('"', i + 1);
        if (end < 0) return null;
        v = line.slice(i + 1, end);
        i = end + 1;
      } else {
        const end = line.slice(i).search(/[,;:]/);
        if (end < 0) return null;
        v = line.slice(i, i + end);
        i += end;
      }
      values.push(...v.split(','));
      if (line[i] !== ',') break;
      i++;
    }
    params.set(key, [...(params.get(key) ?? []), ...values]);
  }
  if (line[i] !== ':') return null;
  return { name: (m[1] as string).toUpperCase(), params, value: line.slice(i + 1) };
}

/** A text value with its backslash escapes resolved. */
const unescapeText = (s: string) =>
  s.replace(/\\([\\,;nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));

/** Splits on `sep` where it is not escaped. */
const splitUnescaped = (s: string, sep: ';' | ',') => s.split(new RegExp(`(?<!\\\\)${sep}`));

/** N is family;given;additional;prefixes;suffixes: read as a person would say it. */
function nameFromN(value: string): string | null {
  const [family = '', given = '', additional = '', prefix = '', suffix = ''] = splitUnescaped(value, ';');
  const spoken = [prefix, given, additional, family, suffix]
    .map((part) => splitUnescaped(part, ',').map(unescapeText).join(' ').trim())
    .filter(Boolean)
    .join(' ');
  return spoken || null;
}

function phoneOf(p: Property): VCardPhone | null {
  let value = p.value.trim();
  // A tel: URI (vCard 4.0's VALUE=uri, which 3.0 writers use too) carries parameters such as
  // ;ext=: the extension is dialled after the call connects, so it is not part of a caller ID.
  if (/^tel:/i.test(value)) value = (value.slice(4).split(';')[0] as string).trim();
  else value = unescapeText(value);
  if (!value) return null;
  const types = (p.params.get('TYPE') ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean);
  return { value, types };
}

/**
 * Parses text holding one or more vCards. Folded lines are unfolded, parameters and escapes
 * read, groups (`item1.TEL`) accepted; properties other than FN, N, TEL and UID are skipped.
 * Throws a VCardError naming the line of the first thing that is not vCard (unpaired
 * BEGIN/END, a line that is not `NAME[;params]:value`), or when the input is too large.
 */
export function parseVCards(text: string, source = 'vCard'): ParsedVCards {
  // The length in UTF-16 units bounds the UTF-8 size from below: only count bytes when near the cap.
  if (text.length > VCARD_MAX_BYTES / 3 && Buffer.byteLength(text, 'utf8') > VCARD_MAX_BYTES)
    throw vcardTooLarge(source);
  const out: ParsedVCards = { cards: [], withoutPhone: 0 };
  let card: (VCard & { fn: string | null; n: string | null }) | null = null;
  const physical = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (let i = 0; i < physical.length; ) {
    const start = i + 1;
    let line = physical[i++] as string;
    // Unfolding: a line starting with a space or tab continues the one before, minus that character.
    while (i < physical.length && /^[ \t]/.test(physical[i] as string))
      line += (physical[i++] as string).slice(1);
    if (line.trim() === '') continue;
    const p = parseLine(line);
    if (!p) throw new VCardError('VCARD_INVALID', source, start, 'not a vCard line (NAME[;params]:value)');
    if (p.name === 'BEGIN') {
      if (p.value.trim().toUpperCase() !== 'VCARD')
        throw new VCardError('VCARD_INVALID', source, start, `BEGIN:${p.value}: not a vCard`);
      if (card)
        throw new VCardError(
          'VCARD_INVALID',
          source,
          start,
          `BEGIN:VCARD inside the card begun on line ${card.line}`,
        );
      checkCardCount(out, source, start, 'cards');
      card = { uid: null, name: null, phones: [], line: start, fn: null, n: null };
      continue;
    }
    if (!card)
      throw new VCardError(
        'VCARD_INVALID',
        source,
        start,
        `${p.name} outside a card (no BEGIN:VCARD before it)`,
      );
    if (p.name === 'END') {
      if (p.value.trim().toUpperCase() !== 'VCARD')
        throw new VCardError('VCARD_INVALID', source, start, `END:${p.value} in a card (expected END:VCARD)`);
      const { fn, n, ...done } = card;
      card = null;
      done.name = fn || n;
      if (done.phones.length) out.cards.push(done);
      else out.withoutPhone++;
      continue;
    }
    switch (p.name) {
      case 'FN':
        card.fn = unescapeText(p.value).trim() || null;
        break;
      case 'N':
        card.n = nameFromN(p.value);
        break;
      case 'UID':
        card.uid = unescapeText(p.value).trim() || null;
        break;
      case 'TEL': {
        const phone = phoneOf(p);
        if (phone) card.phones.push(phone);
        break;
      }
    }
  }
  if (card) throw new VCardError('VCARD_INVALID', source, card.line, 'BEGIN:VCARD without END:VCARD');
  return out;
}

/** Refuses a contact past VCARD_MAX_CARDS (counted with those without a phone number). */
export function checkCardCount(parsed: ParsedVCards, source: string, line: number, noun: string): void {
  if (parsed.cards.length + parsed.withoutPhone >= VCARD_MAX_CARDS)
    throw new VCardError(
      'VCARD_TOO_MANY',
      source,
      line,
      `more than ${VCARD_MAX_CARDS} ${noun}, the most one import takes; nothing was changed`,
    );
}

import { hideInUrl } from '../config/secrets.js';
import { DoormanError } from '../errors.js';
import { yieldToLoop } from '../lists/bulk.js';
import { type ParsedVCards, parseVCards, VCARD_MAX_BYTES, VCARD_MAX_CARDS, VCardError } from './vcard.js';

export interface CardDavOptions {
  /** The address book collection (`https://dav.example.com/alice/contacts/`). */
  url: string;
  username?: string;
  password?: string;
  /** Deadline of each request, its answer's body included. */
  timeoutMs: number;
  /** Ends a fetch in progress (Doorman stopping). */
  signal?: AbortSignal;
}

export type CardDavErrorCode =
  | 'CARDDAV_UNREACHABLE'
  | 'CARDDAV_TIMEOUT'
  | 'CARDDAV_AUTH'
  | 'CARDDAV_NOT_FOUND'
  | 'CARDDAV_NOT_ADDRESSBOOK'
  | 'CARDDAV_FAILED'
  | 'CARDDAV_TOO_LARGE';

/** The address book could not be read; nothing was changed because of it. */
export class CardDavError extends DoormanError {
  constructor(code: CardDavErrorCode, url: string, problem: string, options?: { cause?: unknown }) {
    super(code, `CardDAV ${hideInUrl(url)}: ${problem}`, { url: hideInUrl(url) }, options);
  }
}

// XML escaping and the multistatus wrapping make an answer larger than the vCards it carries.
const MAX_ANSWER_BYTES = 2 * VCARD_MAX_BYTES;

const PROPFIND = `<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/></D:prop></D:propfind>`;

// An empty filter: every card (RFC 6352 requires the element; some servers refuse the query without it).
const ADDRESSBOOK_QUERY = `<?xml version="1.0" encoding="utf-8"?>
<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/><C:address-data/></D:prop><C:filter/></C:addressbook-query>`;

/**
 * Reads every vCard of a CardDAV address book: PROPFIND (Depth 0) checks the URL is one (so a
 * principal or calendar URL, which would look like an empty address book, is refused), then one
 * REPORT addressbook-query (Depth 1) returns all cards. Throws a CardDavError for an unreachable
 * or silent server, refused credentials, or an answer that is not CardDAV, and a VCardError
 * (naming the card's address and line) for a card that is not vCard.
 */
export async function fetchAddressBook(opts: CardDavOptions): Promise<ParsedVCards & { resources: number }> {
  const base = new URL(opts.url);
  const check = await request(opts, 'PROPFIND', base, PROPFIND);
  const self = elements(check, 'response')[0] ?? '';
  const types = elements(self, 'resourcetype')[0];
  if (types === undefined || !/<(?:[\w.-]+:)?addressbook[\s/>]/.test(types))
    throw new CardDavError(
      'CARDDAV_NOT_ADDRESSBOOK',
      opts.url,
      'is not a CardDAV address book (set contacts.carddav.url to the address book collection itself, e.g. https://host/dav/USER/contacts/)',
    );
  const answer = await request(opts, 'REPORT', base, ADDRESSBOOK_QUERY);
  const out = { cards: [] as ParsedVCards['cards'], withoutPhone: 0, resources: 0 };
  for (const response of elements(answer, 'response')) {
    const data = propstats200(response)
      .map((p) => elements(p, 'address-data')[0])
      .find((d) => d !== undefined);
    if (data === undefined) continue;
    const href = text(elements(response, 'href')[0] ?? '').trim();
    const parsed = parseVCards(text(data), pathOf(href, base));
    out.resources++;
    out.cards.push(...parsed.cards);
    out.withoutPhone += parsed.withoutPhone;
    if (out.cards.length + out.withoutPhone > VCARD_MAX_CARDS)
      throw new VCardError(
        'VCARD_TOO_MANY',
        opts.url,
        null,
        `more than ${VCARD_MAX_CARDS} cards, the most one sync takes; nothing was changed`,
      );
    // A big address book parses in many small steps, so calls are screened meanwhile.
    if (out.resources % 200 === 0) await yieldToLoop();
  }
  return out;
}

async function request(opts: CardDavOptions, method: 'PROPFIND' | 'REPORT', url: URL, body: string) {
  const headers: Record<string, string> = {
    'Content-Type': 'application/xml; charset=utf-8',
    Depth: method === 'PROPFIND' ? '0' : '1',
  };
  if (opts.username || opts.password)
    headers.Authorization = `Basic ${Buffer.from(`${opts.username ?? ''}:${opts.password ?? ''}`).toString('base64')}`;
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    const res = await fetch(url, { method, headers, body, signal });
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new CardDavError(
        'CARDDAV_AUTH',
        opts.url,
        `refused ${opts.username ? `user "${opts.username}" and its password` : 'access without a user name (set contacts.carddav.username and password)'} (HTTP ${res.status})`,
      );
    }
    if (res.status === 404) {
      await res.body?.cancel();
      throw new CardDavError('CARDDAV_NOT_FOUND', opts.url, 'no such address book (HTTP 404)');
    }
    if (res.status !== 207) {
      await res.body?.cancel();
      throw new CardDavError(
        'CARDDAV_FAILED',
        opts.url,
        `answered ${method} with HTTP ${res.status}, not 207 Multi-Status: not a CardDAV server, or it failed`,
      );
    }
    return await readCapped(res, opts.url);
  } catch (e) {
    if (e instanceof CardDavError || opts.signal?.aborted) throw e;
    if (timeout.aborted)
      throw new CardDavError(
        'CARDDAV_TIMEOUT',
        opts.url,
        `did not answer ${method} within ${opts.timeoutMs} ms`,
        {
          cause: e,
        },
      );
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new CardDavError(
      'CARDDAV_UNREACHABLE',
      opts.url,
      `cannot be reached (${cause?.code ?? cause?.message ?? (e as Error).message})`,
      { cause: e },
    );
  }
}

async function readCapped(res: Response, url: string): Promise<string> {
  const tooLarge = () =>
    new CardDavError(
      'CARDDAV_TOO_LARGE',
      url,
      `answered with more than ${MAX_ANSWER_BYTES / 1024 / 1024} MB; nothing was changed (photos in the cards?)`,
    );
  if (Number(res.headers.get('content-length')) > MAX_ANSWER_BYTES) {
    await res.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await res.body?.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The contents of every `local` element, whatever its namespace prefix. Enough of XML for a
 * multistatus answer, whose elements of one name never nest (a full XML parser would be a
 * dependency for these few lines).
 */
function elements(xml: string, local: string): string[] {
  const re = new RegExp(
    `<(?:[\\w.-]+:)?${local}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w.-]+:)?${local}\\s*>`,
    'g',
  );
  return [...xml.matchAll(re)].map((m) => m[1] as string);
}

/** The propstat elements of a response whose status is 200 (the properties the server has). */
const propstats200 = (response: string) =>
  elements(response, 'propstat').filter((p) => / 200 /.test(elements(p, 'status')[0] ?? ''));

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function entity(whole: string, name: string): string {
  if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? whole;
  const hex = name[1] === 'x' || name[1] === 'X';
  const code = Number.parseInt(name.slice(hex ? 2 : 1), hex ? 16 : 10);
  return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
}

/** Character data as the XML means it: CDATA sections as they are, entities resolved elsewhere. */
const text = (xml: string): string =>
  xml
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) =>
      part.startsWith('<![CDATA[')
        ? part.slice(9, -3)
        : part.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, entity),
    )
    .join('');

/** A resource's path as a person reads it (`/alice/contacts/Ann Lee.vcf`), for error messages. */
function pathOf(href: string, base: URL): string {
  const path = new URL(href, base).pathname;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { hideInUrl } from '../config/secrets.js';
import { DoormanError } from '../errors.js';
import { EXPORT_BATCH, IMPORT_BATCH, yieldToLoop } from '../lists/bulk.js';
import { normalizeNumber } from '../match/caller-id.js';
import type { CallerSource } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { cap } from '../store/text.js';
import { fetchAddressBook } from './carddav.js';
import type { ParsedVCards } from './vcard.js';

/**
 * The address book as the allow list. Contacts' entries are the ones with source `contacts`
 * (global, on the allow list): a sync adds, updates and removes exactly those, so the list
 * follows the address book. Every other entry is the admin's: a number already on the allow list
 * by another source, or on the block list, is left as it is and reported as skipped.
 */

export interface ContactsReport {
  /** Cards with at least one phone number. */
  contacts: number;
  /** Cards without any: nothing to allow. */
  withoutPhone: number;
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  skipped: Array<{ number: string; reason: string }>;
  /** Nothing was written: the counts say what a sync would do. */
  dryRun: boolean;
}

export interface ApplyOptions {
  dryRun?: boolean;
  /** Recorded as the entries' added_by (`contacts (family.vcf)`, `carddav (dav.example.com)`). */
  addedBy: string;
}

/** A database failure part-way through a sync: the batches before it stay applied. */
export class ContactsSyncError extends DoormanError {
  constructor(report: ContactsReport, cause: unknown) {
    const done = report.added + report.updated + report.removed;
    super(
      'CONTACTS_SYNC_PARTIAL',
      `the contacts sync stopped part-way: ${done} changes were written, the rest were not; the next sync finishes it (${cause instanceof Error ? cause.message : String(cause)})`,
      { done },
      { cause },
    );
  }
}

interface Wanted {
  raw: string;
  name: string | null;
}

interface Mine {
  id: string;
  number: string;
  name: string | null;
  destination: string | null;
}

type Change =
  | { kind: 'add'; number: string; want: Wanted }
  | { kind: 'update'; id: string; want: Wanted }
  | { kind: 'remove'; id: string };

const SOURCE: CallerSource = 'contacts';

/**
 * Makes the allow list's contacts entries those of `parsed`: every phone number that parses
 * (numbers.defaultCountry) is allowed under its contact's name, to contacts.destination. Reads
 * what is listed first, then writes the changes in batches of IMPORT_BATCH, one transaction
 * each, with a turn of the event loop between them; each write re-checks that the number is
 * still the contacts' own, so an entry someone made meanwhile is never overwritten.
 */
export async function applyContacts(
  store: Store,
  config: Config,
  parsed: ParsedVCards,
  opts: ApplyOptions,
): Promise<ContactsReport> {
  const report: ContactsReport = {
    contacts: parsed.cards.length,
    withoutPhone: parsed.withoutPhone,
    added: 0,
    updated: 0,
    removed: 0,
    unchanged: 0,
    skipped: [],
    dryRun: opts.dryRun ?? false,
  };
  const country = config.numbers.defaultCountry;
  const wanted = new Map<string, Wanted>();
  for (const card of parsed.cards) {
    for (const phone of card.phones) {
      const n = normalizeNumber(phone.value, country);
      if (!n.e164)
        report.skipped.push({
          number: phone.value,
          reason: `${card.name ? `${card.name}: ` : ''}not a phone number (read as in ${country}, numbers.defaultCountry)`,
        });
      // The first contact holding a number names it.
      else if (!wanted.has(n.key)) wanted.set(n.key, { raw: n.raw, name: card.name });
    }
  }

  const mine = await contactsEntries(store);
  const others = await otherEntries(store, [...wanted.keys()]);
  const destination = config.contacts.destination;
  const changes: Change[] = [];
  for (const [number, want] of wanted) {
    const other = others.get(number);
    if (other) {
      report.skipped.push({ number, reason: other });
      continue;
    }
    const entry = mine.get(number);
    mine.delete(number);
    if (!entry) changes.push({ kind: 'add', number, want });
    else if (entry.name !== cap(want.name, 255) || entry.destination !== destination)
      changes.push({ kind: 'update', id: entry.id, want });
    else report.unchanged++;
  }
  // What is left of the contacts' entries is no longer in the address book (or is blocked now).
  for (const entry of mine.values()) changes.push({ kind: 'remove', id: entry.id });

  if (report.dryRun) {
    for (const c of changes)
      report[c.kind === 'add' ? 'added' : c.kind === 'update' ? 'updated' : 'removed']++;
    return report;
  }
  for (let start = 0; start < changes.length; start += IMPORT_BATCH) {
    try {
      await writeBatch(store, changes.slice(start, start + IMPORT_BATCH), destination, opts.addedBy, report);
    } catch (e) {
      if (start === 0) throw e;
      throw new ContactsSyncError(report, e);
    }
    await yieldToLoop();
  }
  return report;
}

/** The contacts' own entries (global, allow list) by number, read in keyset-paged batches. */
async function contactsEntries(store: Store): Promise<Map<string, Mine>> {
  const out = new Map<string, Mine>();
  let after = '';
  for (;;) {
    const rows = await store.q('list', () =>
      store.db
        .selectFrom('callers')
        .select(['id', 'number', 'name', 'destination'])
        .where('source', '=', SOURCE)
        .where('list', '=', 'allow')
        .where('scope', '=', '')
        .where('id', '>', after)
        .orderBy('id')
        .limit(EXPORT_BATCH)
        .execute(),
    );
    for (const r of rows) out.set(r.number, r);
    if (rows.length < EXPORT_BATCH) return out;
    after = (rows[rows.length - 1] as Mine).id;
    await yieldToLoop();
  }
}

/**
 * Of `numbers`, those with a global entry that is not the contacts' own, and why that keeps the
 * contact off the allow list: an unexpired block, or an allow entry someone else made.
 */
async function otherEntries(store: Store, numbers: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const now = new Date().toISOString();
  for (let start = 0; start < numbers.length; start += EXPORT_BATCH) {
    const rows = await store.q('read', () =>
      store.db
        .selectFrom('callers')
        .select(['number', 'list', 'source', 'expires_at'])
        .where('number', 'in', numbers.slice(start, start + EXPORT_BATCH))
        .where('scope', '=', '')
        .where((eb) => eb.or([eb('list', '=', 'block'), eb('source', '!=', SOURCE)]))
        .execute(),
    );
    for (const r of rows) {
      const expired = r.expires_at !== null && r.expires_at <= now;
      if (r.list === 'block' && !expired) out.set(r.number, `on the block list (source ${r.source})`);
      else if (r.list === 'allow' && !out.has(r.number))
        out.set(r.number, `already on the allow list (source ${r.source}${expired ? ', expired' : ''})`);
    }
    await yieldToLoop();
  }
  return out;
}

async function writeBatch(
  store: Store,
  batch: Change[],
  destination: string | null,
  addedBy: string,
  report: ContactsReport,
): Promise<void> {
  const done = { added: 0, updated: 0, removed: 0, skipped: [] as ContactsReport['skipped'] };
  await store.q('write', () =>
    store.db.transaction().execute(async (tx) => {
      const t = new Date().toISOString();
      for (const c of batch) {
        if (c.kind === 'remove') {
          const r = await tx
            .deleteFrom('callers')
            .where('id', '=', c.id)
            .where('source', '=', SOURCE)
            .executeTakeFirst();
          done.removed += Number(r.numDeletedRows);
          continue;
        }
        const fields = {
          raw_number: cap(c.want.raw, 255) as string,
          name: cap(c.want.name, 255),
          destination,
          updated_at: t,
        };
        if (c.kind === 'update') {
          const r = await tx
            .updateTable('callers')
            .set(fields)
            .where('id', '=', c.id)
            .where('source', '=', SOURCE)
            .executeTakeFirst();
          done.updated += Number(r.numUpdatedRows);
          continue;
        }
        // Listed since the sync read the lists (by hand, on another PBX): theirs wins.
        const taken = await tx
          .selectFrom('callers')
          .select(['list', 'source'])
          .where('number', '=', c.number)
          .where('scope', '=', '')
          .executeTakeFirst();
        if (taken) {
          done.skipped.push({
            number: c.number,
            reason: `listed meanwhile (${taken.list}, source ${taken.source})`,
          });
          continue;
        }
        await tx
          .insertInto('callers')
          .values({
            id: randomUUID(),
            number: c.number,
            list: 'allow',
            scope: '',
            source: SOURCE,
            added_by: cap(addedBy, 255),
            created_at: t,
            last_seen_at: null,
            hits: 0,
            expires_at: null,
            note: null,
            ...fields,
          })
          .execute();
        done.added++;
      }
    }),
  );
  report.added += done.added;
  report.updated += done.updated;
  report.removed += done.removed;
  report.skipped.push(...done.skipped);
}

/** Reads the CardDAV address book (contacts.carddav) and applies it; a failure changes nothing. */
export async function syncCardDav(
  store: Store,
  config: Config,
  opts: { dryRun?: boolean; signal?: AbortSignal } = {},
): Promise<ContactsReport> {
  const dav = config.contacts.carddav;
  const book = await fetchAddressBook({
    url: dav.url,
    username: dav.username,
    password: dav.password,
    timeoutMs: dav.timeoutMs,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return applyContacts(store, config, book, {
    dryRun: opts.dryRun ?? false,
    addedBy: `carddav (${new URL(dav.url).host})`,
  });
}

/**
 * Syncs the CardDAV address book at once and then every contacts.carddav.everyMinutes; a failed
 * round is logged and the next one tries again. Rounds never overlap. `stop` ends the round in
 * progress (its fetch is aborted; a write already started finishes) and waits for it.
 */
export function keepContactsInSync(store: Store, config: Config, log: Logger): { stop(): Promise<void> } {
  const every = config.contacts.carddav.everyMinutes * 60_000;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const round = async () => {
    try {
      const r = await syncCardDav(store, config, { signal: stopping.signal });
      const { skipped, ...counts } = r;
      log.info(
        { ...counts, skipped: skipped.length, firstSkipped: skipped.slice(0, 5) },
        'contacts synced from CardDAV',
      );
    } catch (e) {
      if (stopping.signal.aborted) return;
      log.warn(
        { err: e, url: hideInUrl(config.contacts.carddav.url) },
        `contacts not synced this time (tried again in ${config.contacts.carddav.everyMinutes} min)`,
      );
    }
    if (!stopping.signal.aborted) timer = setTimeout(() => (running = round()), every).unref();
  };
  running = round();
  return {
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}

import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Config } from '../../config/schema.js';
import { applyContacts, type ContactsReport, syncCardDav } from '../../integrations/contacts-sync.js';
import { parseContactManagerCsv } from '../../integrations/freepbx-contacts.js';
import { parseVCards, VCARD_MAX_BYTES, VCardError, vcardTooLarge } from '../../integrations/vcard.js';
import { Store } from '../../store/store.js';
import { type Flags, UsageError } from '../usage.js';

export function printContactsReport(r: ContactsReport): void {
  for (const s of r.skipped) console.log(`skipped ${s.number}: ${s.reason}`);
  console.log(
    `${r.dryRun ? 'dry run, nothing written: would have ' : ''}added ${r.added}, updated ${r.updated}, removed ${r.removed}, unchanged ${r.unchanged}, skipped ${r.skipped.length} (${r.contacts} contacts with a phone number, ${r.withoutPhone} without)`,
  );
}

/** Reads a contacts file whole, refusing one over the parsers' limit before reading it. */
function readContacts(file: string): string {
  if (statSync(file).size > VCARD_MAX_BYTES) throw vcardTooLarge(file);
  return readFileSync(file, 'utf8');
}

/** `contacts import FILE.vcf` and `contacts sync`: the address book as the allow list. */
export async function cmdContacts(config: Config, [action, file]: string[], v: Flags): Promise<void> {
  const dryRun = v['dry-run'] === true;
  if (action === 'import') {
    if (!file)
      throw new UsageError('contacts import needs a FILE.vcf (or a FreePBX Contact Manager FILE.csv)');
    const text = readContacts(file);
    const parsed = /\.csv$/i.test(file) ? parseContactManagerCsv(text, file) : parseVCards(text, file);
    // An empty file is more likely the wrong file than an address book emptied on purpose.
    if (parsed.cards.length + parsed.withoutPhone === 0)
      throw new VCardError('VCARD_INVALID', file, null, 'holds no contacts; nothing was changed');
    const store = await Store.open(config.store);
    try {
      printContactsReport(
        await applyContacts(store, config, parsed, { dryRun, addedBy: `contacts (${basename(file)})` }),
      );
    } finally {
      await store.close();
    }
    return;
  }
  if (action === 'sync') {
    if (!config.contacts.carddav.url)
      throw new UsageError('contacts sync needs contacts.carddav.url (env DOORMAN_CONTACTS_CARDDAV_URL)');
    const store = await Store.open(config.store);
    try {
      printContactsReport(await syncCardDav(store, config, { dryRun }));
    } finally {
      await store.close();
    }
    return;
  }
  throw new UsageError('contacts needs import FILE.vcf or sync');
}

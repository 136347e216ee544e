import { randomUUID } from 'node:crypto';
import { type DirectoryEntry, directoryEntrySchema } from '../match/directory.js';
import type { DirectoryEntriesTable } from './schema.js';
import type { Store } from './store.js';

/** Bumped on every change, so every PBX sharing the database notices and rebuilds its grammar. */
export const DIRECTORY_VERSION = 'directory_version';

const toEntry = (r: DirectoryEntriesTable): DirectoryEntry => {
  const languages: string[] = JSON.parse(r.languages);
  return directoryEntrySchema.parse({
    id: r.id,
    type: r.type,
    name: r.name,
    aliases: JSON.parse(r.aliases),
    sounds_like: JSON.parse(r.sounds_like),
    // Absent rather than empty, so an exported directory reads as it was imported.
    ...(languages.length ? { languages } : {}),
    destination: r.destination,
    ...(r.voicemail ? { voicemail: r.voicemail } : {}),
    ...(r.announce ? { announce: r.announce } : {}),
    enabled: Number(r.enabled) === 1,
  });
};

const toRow = (e: DirectoryEntry, position: number): DirectoryEntriesTable => ({
  id: e.id,
  position,
  type: e.type,
  name: e.name,
  aliases: JSON.stringify(e.aliases),
  sounds_like: JSON.stringify(e.sounds_like),
  languages: JSON.stringify(e.languages ?? []),
  destination: e.destination,
  voicemail: e.voicemail ?? null,
  announce: e.announce ?? null,
  enabled: e.enabled ? 1 : 0,
  updated_at: new Date().toISOString(),
});

/** The directory as the database keeps it: entries in their order, and a version. */
export class DirectoryStore {
  constructor(private readonly store: Store) {}

  async list(): Promise<DirectoryEntry[]> {
    const rows = await this.store.q('read', () =>
      this.store.db.selectFrom('directory_entries').selectAll().orderBy('position').orderBy('id').execute(),
    );
    return rows.map(toEntry);
  }

  async version(): Promise<string> {
    return (await this.store.getSetting(DIRECTORY_VERSION)) ?? '';
  }

  /** Replaces the whole directory (an import), in one transaction. */
  async replaceAll(entries: readonly DirectoryEntry[]): Promise<void> {
    await this.store.q('write', () =>
      this.store.db.transaction().execute(async (tx) => {
        await tx.deleteFrom('directory_entries').execute();
        for (const [i, e] of entries.entries())
          await tx.insertInto('directory_entries').values(toRow(e, i)).execute();
      }),
    );
    await this.bump();
  }

  /** Adds an entry (at the end) or changes the one with its id; 'added' or 'updated'. */
  async put(entry: DirectoryEntry): Promise<'added' | 'updated'> {
    const result = await this.store.q('write', () =>
      this.store.db.transaction().execute(async (tx) => {
        const existing = await tx
          .selectFrom('directory_entries')
          .select('position')
          .where('id', '=', entry.id)
          .executeTakeFirst();
        if (existing) {
          const { id: _id, position: _p, ...fields } = toRow(entry, existing.position);
          await tx.updateTable('directory_entries').set(fields).where('id', '=', entry.id).execute();
          return 'updated' as const;
        }
        const last = await tx
          .selectFrom('directory_entries')
          .select((eb) => eb.fn.max('position').as('p'))
          .executeTakeFirst();
        await tx
          .insertInto('directory_entries')
          .values(toRow(entry, Number(last?.p ?? -1) + 1))
          .execute();
        return 'added' as const;
      }),
    );
    await this.bump();
    return result;
  }

  async remove(id: string): Promise<boolean> {
    const r = await this.store.q('write', () =>
      this.store.db.deleteFrom('directory_entries').where('id', '=', id).executeTakeFirst(),
    );
    const removed = Number(r.numDeletedRows) > 0;
    if (removed) await this.bump();
    return removed;
  }

  private bump(): Promise<void> {
    return this.store.setSetting(DIRECTORY_VERSION, randomUUID());
  }
}

import { randomUUID } from 'node:crypto';
import { type ExpectedCaller, validateExpectedWords } from '../match/expected-callers.js';
import type { Store } from './store.js';
import { cap } from './text.js';

/** Expected-caller passes, shared by every PBX on the database. */
export class ExpectedCallerStore {
  constructor(private readonly store: Store) {}

  async add(
    pass: Omit<ExpectedCaller, 'id' | 'note' | 'numberPrefix'> & {
      note?: string | null;
      numberPrefix?: string | null;
    },
  ): Promise<ExpectedCaller> {
    const numberPrefix = pass.numberPrefix?.trim() || null;
    const words = validateExpectedWords(pass.words, numberPrefix);
    // Lower-case hex: the pass's entry id must be a directory slug.
    const id = randomUUID().toLowerCase();
    const note = cap(pass.note ?? null, 1000);
    await this.store.q('write', () =>
      this.store.db
        .insertInto('expected_callers')
        .values({
          id,
          words: JSON.stringify(words),
          number_prefix: numberPrefix,
          destination: pass.destination,
          expires_at: pass.expiresAt,
          note,
          created_at: new Date().toISOString(),
        })
        .execute(),
    );
    return { id, words, numberPrefix, destination: pass.destination, expiresAt: pass.expiresAt, note };
  }

  /** The passes that have not expired at `now`, soonest to end first. */
  async active(now = new Date()): Promise<ExpectedCaller[]> {
    const rows = await this.store.q('read', () =>
      this.store.db
        .selectFrom('expected_callers')
        .selectAll()
        .where('expires_at', '>', now.toISOString())
        .orderBy('expires_at')
        .orderBy('id')
        .execute(),
    );
    return rows.map((r) => ({
      id: r.id,
      words: JSON.parse(r.words) as string[],
      numberPrefix: r.number_prefix,
      destination: r.destination,
      expiresAt: r.expires_at,
      note: r.note,
    }));
  }

  async remove(id: string): Promise<boolean> {
    const r = await this.store.q('write', () =>
      this.store.db.deleteFrom('expected_callers').where('id', '=', id).executeTakeFirst(),
    );
    return Number(r.numDeletedRows) > 0;
  }
}

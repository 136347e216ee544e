import type { Store } from './store.js';
import { cap } from './text.js';

export interface OutboundGrant {
  extension: string;
  expiresAt: string;
  grantedAt: string;
}

/** Outbound PIN grants (calls/outbound-pin.ts), shared by every PBX on the database. */
export class OutboundGrantStore {
  constructor(private readonly store: Store) {}

  /** Grants `extension` outbound calling until `expiresAt`, replacing any grant it had. */
  async grant(extension: string, expiresAt: string): Promise<void> {
    const ext = cap(extension, 64) as string;
    const grantedAt = new Date().toISOString();
    await this.store.q('write', () =>
      this.store.db.transaction().execute(async (tx) => {
        await tx.deleteFrom('outbound_grants').where('extension', '=', ext).execute();
        await tx
          .insertInto('outbound_grants')
          .values({ extension: ext, expires_at: expiresAt, granted_at: grantedAt })
          .execute();
      }),
    );
  }

  /** When the extension's grant ends, if it has one that has not ended at `now`. */
  async until(extension: string, now = new Date()): Promise<Date | null> {
    const row = await this.store.q('read', () =>
      this.store.db
        .selectFrom('outbound_grants')
        .select('expires_at')
        .where('extension', '=', extension)
        .where('expires_at', '>', now.toISOString())
        .executeTakeFirst(),
    );
    return row ? new Date(row.expires_at) : null;
  }

  /** The grants that have not ended, soonest to end first. */
  async active(now = new Date()): Promise<OutboundGrant[]> {
    const rows = await this.store.q('read', () =>
      this.store.db
        .selectFrom('outbound_grants')
        .selectAll()
        .where('expires_at', '>', now.toISOString())
        .orderBy('expires_at')
        .orderBy('extension')
        .execute(),
    );
    return rows.map((r) => ({ extension: r.extension, expiresAt: r.expires_at, grantedAt: r.granted_at }));
  }

  /** Ends the extension's grant now; false when it had none. */
  async revoke(extension: string): Promise<boolean> {
    const r = await this.store.q('write', () =>
      this.store.db.deleteFrom('outbound_grants').where('extension', '=', extension).executeTakeFirst(),
    );
    return Number(r.numDeletedRows) > 0;
  }
}

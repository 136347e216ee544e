import { randomUUID } from 'node:crypto';
import type { AdminsTable, ApiTokensTable, WebSessionsTable } from './schema.js';
import type { Store } from './store.js';

export type TokenInfo = Omit<ApiTokensTable, 'token_hash'>;
export type SessionRow = WebSessionsTable;

/** Admin accounts, API tokens and web sessions, as stored (only hashes of secrets). */
export class WebAuthStore {
  constructor(private readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  async setPasswordHash(username: string, hash: string): Promise<void> {
    const t = new Date().toISOString();
    await this.store.q('write', () =>
      this.db.transaction().execute(async (tx) => {
        const r = await tx
          .updateTable('admins')
          .set({ password_hash: hash, updated_at: t })
          .where('username', '=', username)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0)
          await tx
            .insertInto('admins')
            .values({ username, password_hash: hash, created_at: t, updated_at: t })
            .execute();
        // A new password logs out every browser that knew the old one.
        await tx.deleteFrom('web_sessions').where('username', '=', username).execute();
      }),
    );
  }

  async admin(username: string): Promise<AdminsTable | undefined> {
    return this.store.q('read', () =>
      this.db.selectFrom('admins').selectAll().where('username', '=', username).executeTakeFirst(),
    );
  }

  async addToken(name: string, tokenHash: string): Promise<TokenInfo> {
    const row = { id: randomUUID(), name, token_hash: tokenHash, created_at: new Date().toISOString() };
    await this.store.q('write', () => this.db.insertInto('api_tokens').values(row).execute());
    return { id: row.id, name: row.name, created_at: row.created_at };
  }

  async tokenByName(name: string): Promise<TokenInfo | undefined> {
    return this.store.q('read', () =>
      this.db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'created_at'])
        .where('name', '=', name)
        .executeTakeFirst(),
    );
  }

  async tokenByHash(tokenHash: string): Promise<TokenInfo | undefined> {
    return this.store.q('read', () =>
      this.db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'created_at'])
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst(),
    );
  }

  async tokens(): Promise<TokenInfo[]> {
    return this.store.q('read', () =>
      this.db.selectFrom('api_tokens').select(['id', 'name', 'created_at']).orderBy('name').execute(),
    );
  }

  /** Revokes the token with this name or id. */
  async removeToken(nameOrId: string): Promise<boolean> {
    const r = await this.store.q('write', () =>
      this.db
        .deleteFrom('api_tokens')
        .where((eb) => eb.or([eb('name', '=', nameOrId), eb('id', '=', nameOrId)]))
        .executeTakeFirst(),
    );
    return Number(r.numDeletedRows) > 0;
  }

  async addSession(row: SessionRow): Promise<void> {
    await this.store.q('write', () => this.db.insertInto('web_sessions').values(row).execute());
  }

  /** The session with this id hash, unless it has expired. */
  async session(idHash: string, now: Date): Promise<SessionRow | undefined> {
    return this.store.q('read', () =>
      this.db
        .selectFrom('web_sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .where('expires_at', '>', now.toISOString())
        .executeTakeFirst(),
    );
  }

  async removeSession(idHash: string): Promise<void> {
    await this.store.q('write', () =>
      this.db.deleteFrom('web_sessions').where('id_hash', '=', idHash).execute(),
    );
  }

  async removeExpiredSessions(now: Date): Promise<void> {
    await this.store.q('write', () =>
      this.db.deleteFrom('web_sessions').where('expires_at', '<=', now.toISOString()).execute(),
    );
  }
}

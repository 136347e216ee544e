import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import { createPool } from 'mysql2';
import pg from 'pg';
import { StoreError } from '../errors.js';

/** Which database a URL names, and the Kysely dialect for it. */
export function dialectFor(url: string) {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length) || ':memory:';
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const database = new BetterSqlite3(file);
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 2000');
    return { kind: 'sqlite' as const, dialect: new SqliteDialect({ database }) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 3_000 });
    // A server going away makes its clients emit 'error' (idle ones through the pool); without a
    // listener that is an uncaught exception. The query in flight fails on its own; the next reconnects.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    return { kind: 'postgres' as const, dialect: new PostgresDialect({ pool }) };
  }
  if (/^mysql:\/\//.test(url)) {
    const pool = createPool({ uri: url, connectionLimit: 10, connectTimeout: 3_000 });
    return { kind: 'mysql' as const, dialect: new MysqlDialect({ pool }) };
  }
  throw new StoreError(
    'STORE_URL',
    `store.url must start with sqlite:, postgres:// or mysql:// (got "${url.split(':')[0]}:")`,
  );
}

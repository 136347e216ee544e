import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';

export interface TestDatabase {
  name: 'sqlite' | 'postgres' | 'mysql';
  url: string;
  drop(): Promise<void>;
}

// scripts/databases.sh makes sure these answer (starting throwaway servers where none run).
const PG_ADMIN = process.env.DOORMAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_ADMIN = process.env.DOORMAN_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

const fresh = (prefix: string) => `${prefix}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;

/**
 * A new, empty database on each kind of server, dropped again by `drop()`. `mysqlCharset`
 * makes the MariaDB one in another character set than the server's (utf8mb3, as older
 * installs have).
 */
export async function testDatabases(
  opts: { mysqlCharset?: 'utf8mb3' | 'latin1' } = {},
): Promise<TestDatabase[]> {
  const sqliteDir = mkdtempSync(join(tmpdir(), 'doorman-db-'));
  const out: TestDatabase[] = [
    { name: 'sqlite', url: `sqlite:${join(sqliteDir, 'doorman.db')}`, drop: async () => {} },
  ];

  const pgName = fresh('doorman_test');
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3_000 });
  await admin.connect();
  await admin.query(`create database ${pgName}`);
  await admin.end();
  const pgUrl = new URL(PG_ADMIN);
  pgUrl.pathname = `/${pgName}`;
  out.push({
    name: 'postgres',
    url: pgUrl.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`drop database if exists ${pgName} with (force)`);
      await c.end();
    },
  });

  const myName = fresh('doorman_test');
  const my = await createConnection({ uri: MYSQL_ADMIN, connectTimeout: 3_000 });
  await my.query(
    `create database ${myName}${opts.mysqlCharset ? ` character set ${opts.mysqlCharset}` : ''}`,
  );
  await my.end();
  const myUrl = new URL(MYSQL_ADMIN);
  myUrl.pathname = `/${myName}`;
  out.push({
    name: 'mysql',
    url: myUrl.toString(),
    drop: async () => {
      const c = await createConnection({ uri: MYSQL_ADMIN });
      await c.query(`drop database if exists ${myName}`);
      await c.end();
    },
  });
  return out;
}

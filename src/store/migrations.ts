import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { DoormanError } from '../errors.js';

// Column types every supported database understands; lengths keep MySQL's indexes legal.
const migrations: Record<string, Migration> = {
  '0001-callers-calls-settings': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('callers')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('number', 'varchar(64)', (c) => c.notNull())
        .addColumn('raw_number', 'varchar(255)', (c) => c.notNull())
        .addColumn('name', 'varchar(255)')
        .addColumn('list', 'varchar(8)', (c) => c.notNull())
        .addColumn('destination', 'varchar(64)')
        .addColumn('source', 'varchar(16)', (c) => c.notNull())
        .addColumn('added_by', 'varchar(255)')
        .addColumn('scope', 'varchar(64)', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('last_seen_at', 'varchar(32)')
        .addColumn('hits', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('expires_at', 'varchar(32)')
        .addColumn('note', 'varchar(1000)')
        .execute();
      await db.schema
        .createIndex('callers_number_list_scope')
        .on('callers')
        .columns(['number', 'list', 'scope'])
        .unique()
        .execute();
      await db.schema
        .createTable('calls')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('channel_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('started_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('caller_number', 'varchar(64)', (c) => c.notNull())
        .addColumn('caller_raw', 'varchar(255)', (c) => c.notNull())
        .addColumn('caller_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('did', 'varchar(64)', (c) => c.notNull())
        .addColumn('route', 'varchar(64)', (c) => c.notNull())
        .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
        .addColumn('destination', 'varchar(64)')
        .addColumn('reason', 'varchar(1000)')
        .addColumn('check_name', 'varchar(32)')
        .addColumn('checks', 'text', (c) => c.notNull())
        .addColumn('transcript', 'text')
        .addColumn('candidates', 'text')
        .addColumn('recording', 'varchar(1000)')
        .addColumn('timings', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('calls_started_at').on('calls').column('started_at').execute();
      await db.schema.createIndex('calls_caller_number').on('calls').column('caller_number').execute();
      await db.schema
        .createTable('settings')
        .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['settings', 'calls', 'callers']) await db.schema.dropTable(t).ifExists().execute();
    },
  },
  '0002-name-rules': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('name_rules')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('kind', 'varchar(8)', (c) => c.notNull())
        .addColumn('pattern', 'varchar(255)', (c) => c.notNull())
        .addColumn('note', 'varchar(1000)')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('name_rules').ifExists().execute();
    },
  },
  '0003-pin-sets': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('pin_sets')
        .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
        // Salt of the PINs' HMACs (a copy of the database holds it too: pins.keyFile seals them).
        .addColumn('salt', 'varchar(64)', (c) => c.notNull())
        .addColumn('hashed', 'integer', (c) => c.notNull())
        .addColumn('note', 'varchar(1000)')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('pins')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('set_name', 'varchar(64)', (c) => c.notNull())
        .addColumn('label', 'varchar(80)', (c) => c.notNull())
        .addColumn('pin_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('pin_clear', 'varchar(32)')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('pins_set_label')
        .on('pins')
        .columns(['set_name', 'label'])
        .unique()
        .execute();
      await db.schema
        .createIndex('pins_set_hash')
        .on('pins')
        .columns(['set_name', 'pin_hash'])
        .unique()
        .execute();
      await db.schema
        .createTable('pin_failures')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('caller', 'varchar(64)', (c) => c.notNull())
        .addColumn('at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('pin_failures_caller_at')
        .on('pin_failures')
        .columns(['caller', 'at'])
        .execute();
      await db.schema.alterTable('calls').addColumn('account_code', 'varchar(80)').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('calls').dropColumn('account_code').execute();
      for (const t of ['pin_failures', 'pins', 'pin_sets']) await db.schema.dropTable(t).ifExists().execute();
    },
  },
  '0004-web-auth': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('admins')
        .addColumn('username', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('web_sessions')
        .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('username', 'varchar(64)', (c) => c.notNull())
        .addColumn('csrf_token', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('web_sessions_expires_at')
        .on('web_sessions')
        .column('expires_at')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['web_sessions', 'api_tokens', 'admins'])
        await db.schema.dropTable(t).ifExists().execute();
    },
  },
  '0005-directory': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('directory_entries')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('type', 'varchar(16)', (c) => c.notNull())
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        // JSON arrays of strings.
        .addColumn('aliases', 'text', (c) => c.notNull())
        .addColumn('sounds_like', 'text', (c) => c.notNull())
        .addColumn('destination', 'varchar(64)', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('directory_entries').ifExists().execute();
    },
  },
  '0006-question-recording': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('calls').addColumn('question_recording', 'varchar(1000)').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('calls').dropColumn('question_recording').execute();
    },
  },
  '0007-directory-languages': {
    async up(db: Kysely<unknown>) {
      // Entries from before read as English plus speech.soundswallower.nameLanguages, as they always did.
      await db.schema
        .alterTable('directory_entries')
        .addColumn('languages', 'varchar(400)', (c) => c.notNull().defaultTo('[]'))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('directory_entries').dropColumn('languages').execute();
    },
  },
};

/**
 * MySQL and MariaDB create tables in the database's character set, which may be utf8mb3 or
 * latin1: a caller-ID name with an emoji is then refused. Doorman's tables hold any text.
 */
const utf8mb4: Migration = {
  async up(db: Kysely<unknown>) {
    const { rows } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = database() and table_collation not like 'utf8mb4%'`.execute(db);
    for (const { name } of rows) {
      await sql`alter table ${sql.table(name)} convert to character set utf8mb4 collate utf8mb4_unicode_ci`.execute(
        db,
      );
    }
  },
};
const noChange: Migration = { async up() {} };

/** The callers export reads the lists newest first in keyset-paged batches; this keeps each batch cheap. */
const callersByAge: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('callers_created_at_id')
      .on('callers')
      .columns(['created_at', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('callers_created_at_id').on('callers').execute();
  },
};

/** Which key (pins.keyFile) a PIN set's hashes are sealed with: its fingerprint, null for none. */
const pinSetKey: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('pin_sets').addColumn('key_id', 'varchar(64)').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('pin_sets').dropColumn('key_id').execute();
  },
};

/** Prefix, range and neighbour rules for both lists (src/match/number-rules.ts). */
const numberRules: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('number_rules')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('list', 'varchar(8)', (c) => c.notNull())
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('pattern', 'varchar(64)', (c) => c.notNull())
      .addColumn('destination', 'varchar(64)')
      .addColumn('note', 'varchar(1000)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('number_rules').ifExists().execute();
  },
};

/** Name rules for either list, each with its own destination (rules from before block, as they did). */
const nameRuleLists: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('name_rules').addColumn('list', 'varchar(8)').execute();
    await db.schema.alterTable('name_rules').addColumn('destination', 'varchar(64)').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('name_rules').dropColumn('destination').execute();
    await db.schema.alterTable('name_rules').dropColumn('list').execute();
  },
};

/** Expected-caller passes (src/match/expected-callers.ts). */
const expectedCallers: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('expected_callers')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('words', 'varchar(1000)', (c) => c.notNull())
      .addColumn('number_prefix', 'varchar(20)')
      .addColumn('destination', 'varchar(64)', (c) => c.notNull())
      .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('note', 'varchar(1000)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('expected_callers').ifExists().execute();
  },
};

/** A directory entry's own voicemail and announcement setting (src/config/sections/announce.ts). */
const directoryAnnounce: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('directory_entries').addColumn('voicemail', 'varchar(64)').execute();
    await db.schema.alterTable('directory_entries').addColumn('announce', 'varchar(16)').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('directory_entries').dropColumn('announce').execute();
    await db.schema.alterTable('directory_entries').dropColumn('voicemail').execute();
  },
};

/** Outbound PIN grants, kept across restarts and shared by every PBX on the database. */
const outboundGrants: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('outbound_grants')
      .addColumn('extension', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('granted_at', 'varchar(32)', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('outbound_grants').ifExists().execute();
  },
};

/** Brings the schema up to date; safe to run from several PBXs sharing one database. */
export async function migrate(db: Kysely<unknown>, kind: 'sqlite' | 'postgres' | 'mysql'): Promise<void> {
  const provider: MigrationProvider = {
    getMigrations: async () => ({
      ...migrations,
      '0008-mysql-utf8mb4': kind === 'mysql' ? utf8mb4 : noChange,
      '0009-callers-created-at-index': callersByAge,
      '0010-pin-set-key': pinSetKey,
      '0011-number-rules': numberRules,
      '0012-name-rule-lists': nameRuleLists,
      '0013-expected-callers': expectedCallers,
      '0014-directory-announce': directoryAnnounce,
      '0015-outbound-grants': outboundGrants,
    }),
  };
  const { error, results } = await new Migrator({
    db,
    provider,
    migrationTableName: 'doorman_migrations',
  }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new DoormanError(
      'MIGRATION_FAILED',
      `database migration ${failed ?? ''} failed: ${String(error)}`,
      {},
      { cause: error },
    );
  }
  await sql`select 1`.execute(db);
}

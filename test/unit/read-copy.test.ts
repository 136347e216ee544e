import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import { loadDirectoryFile } from '../../src/challenge/setup.js';
import { loadConfig } from '../../src/config/load.js';
import { directoryEntrySchema } from '../../src/match/directory.js';
import { DirectoryStore } from '../../src/store/directory-store.js';
import { ReadCopy } from '../../src/store/read-copy.js';
import { Store } from '../../src/store/store.js';
import { testDatabases } from '../support/databases.js';

const logger = pino({ level: 'silent' });

function copyConfig(url: string, file = join(mkdtempSync(join(tmpdir(), 'doorman-copy-')), 'copy.db')) {
  return loadConfig({ env: {}, overrides: { 'store.url': url, 'store.copy.file': file } as never }).store;
}

const listed = (store: Store, number: string, list: 'allow' | 'block', destination: string | null = null) =>
  store.upsertCaller({ number, rawNumber: number, list, source: 'manual', destination });

describe('the local copy of a shared database', () => {
  it('is off with an embedded database, and reads go to it directly', async () => {
    const [sqlite] = await testDatabases();
    const store = await Store.open({ url: sqlite?.url ?? '', timeoutMs: 5_000 });
    const copy = ReadCopy.open(store, copyConfig(sqlite?.url ?? ''), logger);
    try {
      assert.equal(copy.status().state, 'off');
      await listed(store, '+15550100001', 'block');
      const read = await copy.read((s) => s.lookup('+15550100001'));
      assert.ok(read.value.block);
      assert.equal(read.copyAgeMs, undefined);
    } finally {
      await copy.close();
      await store.close();
    }
  });

  for (const kind of ['postgres', 'mysql'] as const) {
    it(`on ${kind}: follows changes from any PBX, deletions and late clocks included, and answers while the database does not`, async () => {
      const db = (await testDatabases()).find((d) => d.name === kind);
      assert.ok(db);
      const shared = await Store.open({ url: db.url, timeoutMs: 2_000 });
      const otherPbx = await Store.open({ url: db.url, timeoutMs: 2_000 });
      const copy = ReadCopy.open(shared, copyConfig(db.url), logger);
      try {
        assert.equal(copy.status().state, 'empty');
        await listed(shared, '+15550100001', 'block');
        await listed(otherPbx, '+15550100002', 'allow', 'desk');
        await otherPbx.addNameRule('exact', 'Police Officers PAC', { list: 'block' });
        await new DirectoryStore(otherPbx).replaceAll(loadDirectoryFile('test/fixtures/directory.yaml'));
        await copy.refresh();
        assert.equal(copy.status().state, 'in step');

        // Next round: one entry more from another PBX, one written by a clock 30 s behind, one removed.
        await listed(otherPbx, '+15550100003', 'allow', 'voicemail');
        const late = new Date(Date.now() - 30_000).toISOString();
        await otherPbx.db
          .insertInto('callers')
          .values({
            id: randomUUID(),
            number: '+15550100004',
            raw_number: '+15550100004',
            name: null,
            list: 'block',
            destination: null,
            source: 'manual',
            added_by: null,
            scope: '',
            created_at: late,
            updated_at: late,
            last_seen_at: null,
            expires_at: null,
            note: null,
          })
          .execute();
        const gone = await otherPbx.lookup('+15550100001');
        await otherPbx.db
          .deleteFrom('callers')
          .where('id', '=', gone.block?.id ?? '')
          .execute();
        await new DirectoryStore(otherPbx).put(
          directoryEntrySchema.parse({
            id: 'zelda',
            type: 'person',
            name: 'Zelda Quigley',
            destination: 'desk',
          }),
        );
        await copy.refresh();

        // The shared database stops answering.
        await shared.close();
        const read = (n: string) => copy.read((s) => s.lookup(n));
        const first = await read('+15550100002');
        assert.equal(first.value.allow?.destination, 'desk');
        assert.ok(first.copyAgeMs !== undefined && first.copyAgeMs >= 0, String(first.copyAgeMs));
        assert.equal((await read('+15550100003')).value.allow?.destination, 'voicemail');
        assert.ok((await read('+15550100004')).value.block, 'the entry from a late clock is there');
        assert.equal((await read('+15550100001')).value.block, undefined, 'the removed entry is gone');
        const rules = await copy.read((s) => s.nameRules());
        assert.deepEqual(
          rules.value.map((r) => r.pattern),
          ['Police Officers PAC'],
        );
        assert.ok(copy.status().usedAt);
        const directory = (await copy.read((s) => new DirectoryStore(s).list())).value;
        assert.deepEqual(
          directory.map((e) => e.id),
          [...loadDirectoryFile('test/fixtures/directory.yaml').map((e) => e.id), 'zelda'],
          'the directory, with the entry added on another PBX',
        );

        // A round that cannot read the shared database leaves the copy as it was.
        await copy.refresh();
        assert.ok((await read('+15550100002')).value.allow);
      } finally {
        await copy.close();
        await otherPbx.close();
        await shared.close().catch(() => {});
        await db.drop();
      }
    });
  }

  it('lets a failed read fail (and the check fail open) when the copy was never brought up to date', async () => {
    const db = (await testDatabases()).find((d) => d.name === 'postgres');
    assert.ok(db);
    const shared = await Store.open({ url: db.url, timeoutMs: 2_000 });
    const copy = ReadCopy.open(shared, copyConfig(db.url), logger);
    try {
      await shared.close();
      await assert.rejects(copy.read((s) => s.lookup('+15550100001')));
      assert.equal(copy.status().state, 'empty');
    } finally {
      await copy.close();
      await db.drop();
    }
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { normalizeNumber } from '../../src/match/caller-id.js';
import { parseDirectory } from '../../src/match/directory.js';
import { DirectoryStore } from '../../src/store/directory-store.js';
import { PinSets } from '../../src/store/pin-sets.js';
import { Store } from '../../src/store/store.js';
import { type TestDatabase, testDatabases } from '../support/databases.js';

const databases = await testDatabases();
after(async () => {
  for (const d of databases) await d.drop();
});

for (const database of databases) {
  describe(`store on ${database.name}`, () => {
    let store: Store;
    before(async () => {
      store = await Store.open({ url: database.url, timeoutMs: 5_000 });
    });
    after(() => store?.close());

    it('migrates idempotently (a second PBX opening the same database)', async () => {
      const again = await Store.open({ url: database.url, timeoutMs: 5_000 });
      await again.close();
    });

    it('keeps allow and block entries per number, with their metadata', async () => {
      const n = normalizeNumber('(555) 123-4567', 'US');
      assert.equal(n.key, '+15551234567');
      const row = await store.upsertCaller({
        number: n.key,
        rawNumber: n.raw,
        list: 'allow',
        source: 'screened',
        name: 'Alice',
        destination: 'desk',
        addedBy: 'challenge',
        note: 'asked for Alice Johnson',
      });
      assert.equal(row.destination, 'desk');
      assert.equal(row.source, 'screened');
      assert.equal(row.hits, 0);
      const found = await store.lookup('+15551234567');
      assert.equal(found.allow?.id, row.id);
      assert.equal(found.block, undefined);

      await store.recordHit(row.id);
      await store.recordHit(row.id);
      const hit = (await store.lookup('+15551234567')).allow;
      assert.equal(hit?.hits, 2);
      assert.ok(hit?.last_seen_at);

      // Same number and list again: an update, not a second row.
      await store.upsertCaller({
        number: n.key,
        rawNumber: n.raw,
        list: 'allow',
        source: 'manual',
        destination: 'mum',
      });
      const all = (await store.listCallers({ list: 'allow' })).filter((r) => r.number === n.key);
      assert.equal(all.length, 1);
      assert.equal(all[0]?.destination, 'mum');
      assert.equal(all[0]?.hits, 2, 'hits survive an update');
    });

    it('honours expiry and per-DID scope', async () => {
      await store.upsertCaller({
        number: '+15550000001',
        rawNumber: '5550000001',
        list: 'block',
        source: 'manual',
        expiresAt: '2000-01-01T00:00:00.000Z',
      });
      assert.equal((await store.lookup('+15550000001')).block, undefined);
      await store.upsertCaller({
        number: '+15550000002',
        rawNumber: '5550000002',
        list: 'allow',
        source: 'manual',
        scope: '15550001000',
        destination: 'desk',
      });
      assert.equal((await store.lookup('+15550000002')).allow, undefined);
      assert.equal((await store.lookup('+15550000002', '15550001000')).allow?.destination, 'desk');
      assert.ok(await store.removeCaller('+15550000002', 'allow', '15550001000'));
      assert.equal((await store.lookup('+15550000002', '15550001000')).allow, undefined);
    });

    it('stores hostile caller names and numbers safely', async () => {
      const hostile = [
        "Robert'); DROP TABLE callers;--",
        '<img src=x onerror=alert(1)>',
        'Zoë 李 🤖 \u202e',
        'x'.repeat(10_000),
      ];
      for (const [i, name] of hostile.entries()) {
        const n = normalizeNumber(`+1555999${String(i).padStart(4, '0')}\u0000\u001b`, 'US');
        const row = await store.upsertCaller({
          number: n.key,
          rawNumber: n.raw,
          list: 'block',
          source: 'api',
          name,
        });
        assert.equal(row.name, name.slice(0, 255));
        assert.equal((await store.lookup(n.key)).block?.name, name.slice(0, 255));
      }
      assert.ok(
        (await store.listCallers({ limit: 1000 })).length >= hostile.length,
        'the table is still there',
      );
    });

    it('records one audit row per call and keeps settings', async () => {
      const id = await store.recordCall({
        id: randomUUID(),
        channel_id: 'chan-1',
        started_at: new Date().toISOString(),
        caller_number: '+15551234567',
        caller_raw: '5551234567',
        caller_name: '<b>ACME</b>',
        did: '15550001000',
        route: 'default',
        outcome: 'routed',
        destination: 'desk',
        reason: 'allowlisted',
        check_name: 'allowlist',
        checks: JSON.stringify([{ check: 'allowlist', result: 'route', ms: 1 }]),
        transcript: null,
        candidates: null,
        recording: null,
        timings: JSON.stringify({ totalMs: 5 }),
        account_code: 'ACME-0042',
      });
      const [row] = await store.recentCalls(1);
      assert.equal(row?.id, id);
      assert.equal(row?.caller_name, '<b>ACME</b>');
      assert.equal(row?.account_code, 'ACME-0042');
      await store.setSetting('screening', 'off');
      await store.setSetting('screening', 'on');
      assert.equal(await store.getSetting('screening'), 'on');
    });

    it('keeps the directory as imported: order, lists, languages only where given', async () => {
      const directory = new DirectoryStore(store);
      const entries = parseDirectory(
        [
          'entries:',
          '  - {id: thu-tran, type: person, name: Thu Tran, aliases: [Thu], languages: [vi, fr], destination: desk}',
          '  - {id: sean-o-brien, type: person, name: "Seán O\'Brien", sounds_like: [shawn], destination: desk}',
          '  - {id: accounts, type: department, name: Accounts, destination: desk, enabled: false}',
        ].join('\n'),
      );
      await directory.replaceAll(entries);
      const back = await directory.list();
      assert.deepEqual(back, entries);
      assert.ok(!('languages' in (back[1] as object)), 'no languages given: none read back');
      await directory.put({ ...(entries[1] as (typeof entries)[number]), languages: ['ga'] });
      assert.deepEqual((await directory.list())[1]?.languages, ['ga']);
    });

    it('keeps PIN sets as keyed hashes, finds labels by PIN, and counts wrong PINs', async () => {
      const pins = new PinSets(store);
      const set = `s-${randomUUID().slice(0, 8)}`;
      await pins.createSet(set);
      await pins.putPin(set, 'Müller Co.', '1234');
      await pins.putPin(set, 'E-7', '*9876');
      assert.equal(await pins.labelFor(set, '*9876'), 'E-7');
      assert.equal(await pins.labelFor(set, '1234'), 'Müller Co.');
      assert.equal(await pins.labelFor(set, '4321'), null);
      assert.deepEqual(
        (await pins.listPins(set)).map((p) => [p.label, p.pin]),
        [
          ['E-7', null],
          ['Müller Co.', null],
        ],
      );
      const policy = { failures: 2, windowMinutes: 1 };
      const who = `+1555${Date.now() % 10_000_000}`;
      await pins.recordFailure(who);
      await pins.recordFailure(who);
      assert.ok(await pins.lockedUntil(who, policy));
      assert.ok(await pins.deleteSet(set));
      await assert.rejects(pins.labelFor(set, '1234'), /no PIN set named/);
    });
  });
}

describe('store configuration', () => {
  it('refuses an unknown URL scheme with a clear error', async () => {
    await assert.rejects(
      Store.open({ url: 'redis://x', timeoutMs: 100 }),
      /store\.url must start with sqlite:, postgres:\/\/ or mysql:\/\//,
    );
  });
});

export type { TestDatabase };

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { DurableWrites } from '../../src/store/durable-writes.js';
import { type CallRow, Store } from '../../src/store/store.js';
import { testDatabases } from '../support/databases.js';

const logger = pino({ level: 'silent' });

describe('durable writes', () => {
  const callRow = (over: Partial<CallRow> = {}): CallRow => ({
    id: randomUUID(),
    channel_id: 'c1',
    started_at: new Date().toISOString(),
    caller_number: '+15550000001',
    caller_raw: '5550000001',
    caller_name: '',
    did: '1',
    route: 'default',
    outcome: 'routed',
    destination: 'desk',
    reason: null,
    check_name: 'allowlist',
    checks: '[]',
    transcript: null,
    candidates: null,
    recording: null,
    question_recording: null,
    timings: '{}',
    account_code: null,
    ...over,
  });

  it('queues writes the database refuses and replays them, in order, in the next run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doorman-queue-'));
    const url = `sqlite:${join(dir, 'doorman.db')}`;
    const queue = join(dir, 'queue.jsonl');

    // A store whose connection is gone: every write fails, as with a database that is down.
    const dead = await Store.open({ url, timeoutMs: 1_000 });
    await dead.close();
    const writes = new DurableWrites(dead, queue, logger, 60_000);
    const input = (n: string, destination: string) =>
      ({ number: n, rawNumber: n, list: 'allow', source: 'screened', destination }) as const;
    await writes.write({ op: 'upsertCaller', input: input('+15550000001', 'desk') });
    await writes.write({ op: 'upsertCaller', input: input('+15550000001', 'voicemail') });
    await writes.write({ op: 'addCallerIfAbsent', input: input('+15550000002', 'desk') });
    assert.equal(writes.pending, 3);
    writes.close();
    assert.equal(readFileSync(queue, 'utf8').trim().split('\n').length, 3, 'on disk, not only in memory');
    // A crash while appending leaves a torn last line; it must not cost the lines before it.
    appendFileSync(queue, '{"op":"upsertCal');

    // The next run, with the database back.
    const store = await Store.open({ url, timeoutMs: 1_000 });
    const replay = new DurableWrites(store, queue, logger, 60_000);
    assert.equal(replay.pending, 3);
    await replay.flush();
    assert.equal(replay.pending, 0);
    assert.equal(readFileSync(queue, 'utf8'), '');
    assert.equal((await store.lookup('+15550000001')).allow?.destination, 'voicemail', 'applied in order');
    assert.equal((await store.lookup('+15550000002')).allow?.destination, 'desk');

    // A call logged twice by a replay (written, then the acknowledgement lost) stays one row.
    const call = callRow();
    await replay.write({ op: 'recordCall', call });
    await replay.write({ op: 'recordCall', call });
    assert.equal((await store.recentCalls(10)).filter((c) => c.id === call.id).length, 1);
    replay.close();
    await store.close();
  });

  it('sets aside a write the database keeps refusing while it answers, and writes the ones behind it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doorman-queue-'));
    const store = await Store.open({ url: `sqlite:${join(dir, 'doorman.db')}`, timeoutMs: 1_000 });
    // Fault injection: the real database refuses this one row, as MariaDB refuses a value its
    // table cannot hold; every other query goes through.
    const poison = callRow({ caller_name: 'refused' });
    const real = store.recordCall.bind(store);
    store.recordCall = (c) =>
      c.id === poison.id ? Promise.reject(new Error('injected: Incorrect string value')) : real(c);
    const writes = new DurableWrites(store, join(dir, 'queue.jsonl'), logger, 60_000);
    const behind = [callRow(), callRow()];
    await writes.write({ op: 'recordCall', call: poison });
    for (const call of behind) await writes.write({ op: 'recordCall', call });
    assert.equal(writes.pending, 3, 'queued behind the refused one, in order');
    await writes.flush();
    await writes.flush();
    assert.equal(writes.pending, 3, 'refused twice: still tried again, it may be passing');
    await writes.flush();
    assert.equal(writes.pending, 0, 'set aside the third time, the rest written');
    assert.equal(writes.refused, 1);
    const ids = (await store.recentCalls(10)).map((c) => c.id);
    for (const call of behind) assert.ok(ids.includes(call.id));
    const kept = readFileSync(writes.refusedFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(kept.length, 1);
    assert.equal(kept[0].op.call.id, poison.id, 'nothing lost: the refused write is kept, with why');
    assert.match(kept[0].reason, /Incorrect string value/);
    writes.close();
    await store.close();
  });

  it('keeps everything queued while the database is down, however often it fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doorman-queue-'));
    const dead = await Store.open({ url: `sqlite:${join(dir, 'doorman.db')}`, timeoutMs: 1_000 });
    await dead.close();
    const writes = new DurableWrites(dead, join(dir, 'queue.jsonl'), logger, 60_000);
    await writes.write({ op: 'recordCall', call: callRow() });
    for (let i = 0; i < 5; i++) await writes.flush();
    assert.equal(writes.pending, 1);
    assert.equal(writes.refused, 0);
    assert.equal(existsSync(writes.refusedFile), false);
    writes.close();
  });

  it('stores a caller-ID name with a NUL byte and an emoji on SQLite, PostgreSQL and a utf8mb3 MariaDB database', async () => {
    for (const db of await testDatabases({ mysqlCharset: 'utf8mb3' })) {
      const store = await Store.open({ url: db.url, timeoutMs: 5_000 });
      const dir = mkdtempSync(join(tmpdir(), 'doorman-queue-'));
      const writes = new DurableWrites(store, join(dir, 'queue.jsonl'), logger, 60_000);
      try {
        const call = callRow({ caller_name: 'ACME\u0000 Inc \u{1F600}' });
        await writes.write({ op: 'recordCall', call });
        await writes.write({
          op: 'upsertCaller',
          input: {
            number: '+15550000009',
            rawNumber: '555\u00000009',
            list: 'allow',
            source: 'screened',
            name: 'Zo\u0000ë \u{1F4DE}',
          },
        });
        assert.equal(writes.pending, 0, `${db.name}: written at once, nothing queued`);
        const row = (await store.recentCalls(10)).find((c) => c.id === call.id);
        assert.equal(row?.caller_name, 'ACME Inc \u{1F600}', db.name);
        assert.equal((await store.lookup('+15550000009')).allow?.name, 'Zoë \u{1F4DE}', db.name);
      } finally {
        writes.close();
        await store.close();
        await db.drop();
      }
    }
  });
});

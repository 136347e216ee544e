import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { DurableWrites } from '../../src/store/durable-writes.js';
import { Store } from '../../src/store/store.js';

const logger = pino({ level: 'silent' });

describe('durable writes', () => {
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
    const call = {
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
      timings: '{}',
    };
    await replay.write({ op: 'recordCall', call });
    await replay.write({ op: 'recordCall', call });
    assert.equal((await store.recentCalls(10)).filter((c) => c.id === call.id).length, 1);
    replay.close();
    await store.close();
  });
});

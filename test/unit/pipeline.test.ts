import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeNumber } from '../../src/match/caller-id.js';
import type { CheckContext } from '../../src/policy/check.js';
import { allowlistCheck } from '../../src/policy/checks/allowlist.js';
import { blocklistCheck } from '../../src/policy/checks/blocklist.js';
import { bypassCheck } from '../../src/policy/checks/bypass.js';
import { runChecks } from '../../src/policy/pipeline.js';

// The checks read everything through the context; these contexts stand for a database that
// answers, errs or stalls (fault injection), the happy path runs against real databases in
// test/integration.
function context(over: Partial<CheckContext> = {}): CheckContext {
  return {
    caller: normalizeNumber('+15551234567', 'US'),
    callerName: 'Alice',
    did: '15550001000',
    route: { unknown: 'desk', blocked: 'blocked', blockAnonymous: false },
    now: new Date('2026-11-23T12:00:00Z'),
    lists: async () => ({}),
    bypass: async () => ({ off: false, until: null }),
    flooded: () => null,
    nameRule: async () => null,
    numberRule: async () => null,
    hasDestination: (d) => ['desk', 'voicemail', 'blocked'].includes(d),
    ...over,
  };
}
const checks = [bypassCheck, blocklistCheck, allowlistCheck];
const stall = () => new Promise<never>(() => {});
const fail = async () => {
  throw new Error('connect ECONNREFUSED');
};

describe('the pre-answer pipeline', () => {
  it('lets the first verdict win, in order', async () => {
    const both = context({
      lists: async () => ({
        allow: { id: 'a', destination: 'voicemail', name: null },
        block: { id: 'b', destination: null, name: null },
      }),
    });
    const r = await runChecks(checks, both, { timeoutMs: 100 });
    assert.equal(r.verdict?.check, 'blocklist');
    assert.deepEqual(
      r.trace.map((t) => t.result),
      ['next', 'route'],
    );
    const allowed = await runChecks(
      checks,
      context({ lists: async () => ({ allow: { id: 'a', destination: 'voicemail', name: null } }) }),
      { timeoutMs: 100 },
    );
    assert.equal(allowed.verdict?.destination, 'voicemail');
  });

  it('falls back to the route destination for an entry naming an unknown one', async () => {
    const r = await runChecks(
      checks,
      context({ lists: async () => ({ allow: { id: 'a', destination: 'gone', name: null } }) }),
      { timeoutMs: 100 },
    );
    assert.equal(r.verdict?.destination, 'desk');
  });

  it('skips a failing or stalled check within its deadline (fail-open)', async () => {
    for (const broken of [fail, stall]) {
      const r = await runChecks(checks, context({ lists: broken, bypass: broken }), { timeoutMs: 50 });
      assert.equal(r.verdict, null, 'nothing decided: the call goes on to the challenge');
      assert.deepEqual(
        r.trace.map((t) => t.check),
        ['bypass', 'blocklist', 'allowlist'],
      );
      for (const t of r.trace) {
        assert.ok(t.result === (broken === fail ? 'error' : 'timeout'), JSON.stringify(t));
        assert.ok(t.ms < 1_000);
      }
    }
  });

  it('sends the call to the blocked destination on a failure when the route is fail-closed', async () => {
    const r = await runChecks(checks, context({ bypass: stall }), { timeoutMs: 50, onFailure: 'blocked' });
    assert.equal(r.verdict?.destination, 'blocked');
    assert.match(r.verdict?.reason ?? '', /bypass timeout \(fail-closed\)/);
  });

  it('handles bypass and withheld numbers', async () => {
    const until = new Date('2026-11-23T13:00:00Z');
    assert.equal(
      (await runChecks(checks, context({ bypass: async () => ({ off: false, until }) }), { timeoutMs: 100 }))
        .verdict?.check,
      'bypass',
    );
    const expired = new Date('2026-11-23T11:00:00Z');
    assert.equal(
      (
        await runChecks(checks, context({ bypass: async () => ({ off: false, until: expired }) }), {
          timeoutMs: 100,
        })
      ).verdict,
      null,
    );
    const anonymous = context({ caller: normalizeNumber('Restricted', 'US') });
    assert.equal((await runChecks(checks, anonymous, { timeoutMs: 100 })).verdict, null);
    const blockAnon = context({
      caller: normalizeNumber('', 'US'),
      route: { unknown: 'desk', blocked: 'blocked', blockAnonymous: true },
    });
    assert.equal((await runChecks(checks, blockAnon, { timeoutMs: 100 })).verdict?.destination, 'blocked');
  });
});

describe('caller numbers', () => {
  it('normalises what the network sends, whatever it is', () => {
    assert.equal(normalizeNumber('(555) 123-4567', 'US').key, '+15551234567');
    assert.equal(normalizeNumber('+44 20 7946 0958', 'US').key, '+442079460958');
    assert.equal(normalizeNumber('020 7946 0958', 'GB').key, '+442079460958');
    for (const w of ['anonymous', 'Restricted', 'UNAVAILABLE', '', '   ', 'private'])
      assert.equal(normalizeNumber(w, 'US').anonymous, true, w);
    const hostile = normalizeNumber(`1'; DROP TABLE callers;--\u0000${'9'.repeat(10_000)}`, 'US');
    assert.equal(hostile.anonymous, false);
    assert.ok(hostile.key.length <= 64 && hostile.raw.length <= 255);
    assert.ok(!hostile.raw.includes('\u0000'));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallRate } from '../../src/policy/call-rate.js';
import { floodCheck } from '../../src/policy/checks/flood.js';
import { dialogueConfig } from '../support/dialogue.js';
import { MemoryChannel } from '../support/memory-channel.js';
import { stepContext } from '../support/step-context.js';

const min = 60_000;

describe('flood limits (calls per number, calls in all)', () => {
  it('limits a number over its count within the window, and lets it in once it slows down', () => {
    const rate = new CallRate({ perNumberCalls: 2, perNumberMinutes: 10, allCalls: 0, allSeconds: 60 });
    assert.equal(rate.admit('+15550001', 0), null);
    assert.equal(rate.admit('+15550001', 1 * min), null);
    assert.deepEqual(rate.admit('+15550001', 2 * min), {
      by: 'number',
      calls: 3,
      limit: 2,
      window: '10 min',
    });
    assert.equal(rate.admit('+15550002', 2 * min), null, 'another number is counted apart');
    // Still calling: each call counts, so it stays limited...
    assert.notEqual(rate.admit('+15550001', 9 * min), null);
    // ...until the window holds no more than the limit.
    assert.equal(rate.admit('+15550001', 19.5 * min), null);
  });

  it('limits every call past the count in all, whoever calls', () => {
    const rate = new CallRate({ perNumberCalls: 0, perNumberMinutes: 10, allCalls: 3, allSeconds: 60 });
    const at = [0, 1_000, 2_000, 3_000].map((t, i) => rate.admit(`+1555000${i}`, t));
    assert.deepEqual(at.slice(0, 3), [null, null, null]);
    assert.deepEqual(at[3], { by: 'all', calls: 4, limit: 3, window: '60 s' });
    assert.equal(rate.admit('+15559999', 62_000), null, 'the window moved on');
    assert.equal(rate.admit('', 62_500), null, 'a withheld number counts in all only');
  });

  it('keeps at most 50,000 numbers, dropping the one heard from longest ago', () => {
    const rate = new CallRate({ perNumberCalls: 1, perNumberMinutes: 60, allCalls: 0, allSeconds: 60 });
    for (let i = 0; i < 50_001; i++) rate.admit(`+1${i}`, i);
    assert.equal(rate.numbers, 50_000);
    assert.equal(rate.admit('+10', 50_002), null, 'the first number was forgotten');
    assert.notEqual(rate.admit('+150000', 50_003), null, 'the last one was not');
  });

  it("routes a flooded caller to the route's flooded destination, else its blocked one", async () => {
    const config = dialogueConfig({ routes: { default: { unknown: 'desk', flooded: 'voicemail' } } });
    const flooded = { by: 'number' as const, calls: 6, limit: 5, window: '10 min' };
    const ctx = stepContext(config, new MemoryChannel([]), {});
    assert.deepEqual(await floodCheck.run({ ...ctx, flooded: () => flooded }), {
      kind: 'route',
      destination: 'voicemail',
      reason: `${ctx.caller.key} called 6 times within 10 min (limit 5)`,
      check: 'flood',
    });
    const route = { ...ctx.route, flooded: undefined };
    const r = await floodCheck.run({ ...ctx, route, flooded: () => flooded });
    assert.equal(r.kind === 'route' && r.destination, 'blocked');
    assert.deepEqual(await floodCheck.run({ ...ctx, flooded: () => null }), { kind: 'next' });
  });
});

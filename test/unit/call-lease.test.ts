import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { afterEach, describe, it, mock } from 'node:test';
import pino from 'pino';
import { CallLease } from '../../src/calls/call-lease.js';
import { LEASE_VARIABLE } from '../../src/calls/router.js';
import { AriError } from '../../src/errors.js';

// Fault injection only: ARI answering a renewal the ways Asterisk 22 does when a call is leaving.
const failedFunction = () => new AriError('channels.setChannelVar', undefined, 'Failed to execute function');
const notFound = () => new AriError('channels.get', 404, 'Channel not found');

/** Leases made by the running test, stopped when it ends (a failed assertion must not leave a timer). */
const made: CallLease[] = [];

function leaseWith(ari: {
  setVariable?: () => Promise<void>;
  getChannel?: () => Promise<never> | Promise<{ id: string }>;
  left?: boolean;
}) {
  const lines: Array<{ level: number; msg: string }> = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  const calls: string[] = [];
  const lease = new CallLease(
    {
      setVariable: async (id, name, value) => {
        calls.push(`${id} ${name}=${value}`);
        return (ari.setVariable ?? (async () => {}))();
      },
      getChannel: (async () => (ari.getChannel ?? (async () => ({ id: 'c1' })))()) as never,
    },
    'c1',
    9,
    log,
    () => ari.left ?? false,
  );
  made.push(lease);
  const warnings = () => lines.filter((l) => l.level === 40).map((l) => l.msg);
  return { lease, calls, warnings };
}

describe('call lease', () => {
  afterEach(() => {
    for (const l of made.splice(0)) l.stop();
  });

  it('pushes the deadline out at start and every third of the lease until stopped', () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const { lease, calls } = leaseWith({});
      lease.start();
      assert.deepEqual(calls, [`c1 ${LEASE_VARIABLE}=9`]);
      mock.timers.tick(3_000);
      mock.timers.tick(3_000);
      assert.equal(calls.length, 3);
      lease.stop();
      mock.timers.tick(9_000);
      assert.equal(calls.length, 3, 'no renewal after stop');
    } finally {
      mock.timers.reset();
    }
  });

  it('warns when a call it still holds cannot be renewed', async () => {
    const { lease, warnings } = leaseWith({ setVariable: async () => Promise.reject(failedFunction()) });
    lease.start();
    assert.equal(await lease.renew(), 'failed');
    lease.stop();
    assert.ok(warnings().includes('could not renew the call lease'), String(warnings()));
  });

  it('stays quiet when "Failed to execute function" meant the channel was hanging up', async () => {
    const { lease, warnings } = leaseWith({
      setVariable: async () => Promise.reject(failedFunction()),
      getChannel: async () => Promise.reject(notFound()),
    });
    lease.start();
    assert.equal(await lease.renew(), 'call left');
    lease.stop();
    assert.deepEqual(warnings(), []);
  });

  it('stays quiet when the channel is gone, the call has left, or the lease was stopped', async () => {
    const gone = leaseWith({ setVariable: async () => Promise.reject(notFound()) });
    gone.lease.start();
    assert.equal(await gone.lease.renew(), 'call left');
    gone.lease.stop();
    const left = leaseWith({ setVariable: async () => Promise.reject(failedFunction()), left: true });
    left.lease.start();
    assert.equal(await left.lease.renew(), 'call left');
    left.lease.stop();
    const stopped = leaseWith({ setVariable: async () => Promise.reject(failedFunction()) });
    assert.equal(await stopped.lease.renew(), 'call left');
    assert.deepEqual([...gone.warnings(), ...left.warnings(), ...stopped.warnings()], []);
  });
});

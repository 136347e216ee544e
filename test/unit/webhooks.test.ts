import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { CallReport } from '../../src/calls/call-report.js';
import { configSchema } from '../../src/config/schema.js';
import { type CallFinishedEvent, callFinished } from '../../src/webhooks/call-event.js';
import { WebhookOutbox } from '../../src/webhooks/outbox.js';
import { signature, verifySignature } from '../../src/webhooks/signature.js';
import { Webhooks } from '../../src/webhooks/webhooks.js';

const SECRET = 'a-shared-secret-of-some-length';
const logger = pino({ level: 'silent' });
const retry = { minMs: 50, maxMs: 200 };

function report(n: number): CallReport {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    facts: {
      channelId: `chan-${n}`,
      callerNumber: `+1555000${n}`,
      callerName: '<b>ACME</b>',
      did: '15550001000',
      route: 'default',
    },
    outcome: 'routed',
    verdict: { kind: 'route', destination: 'desk', reason: 'asked for Alice Johnson', check: 'challenge' },
    checks: [{ check: 'challenge', result: 'route', ms: 1200 }],
    answer: null,
    accountCode: null,
    error: null,
    timings: { totalMs: 4321 },
  };
}

interface Received {
  id: string;
  body: string;
  signature: string;
}

/** A receiver on a fixed loopback port that can be taken down and brought back. */
class Receiver {
  readonly got: Received[] = [];
  private server: Server | undefined;
  refuse = new Set<string>();
  constructor(readonly port: number) {}
  static async freePort(): Promise<number> {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    return port;
  }
  get url() {
    return `http://127.0.0.1:${this.port}/hooks/doorman`;
  }
  async up() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const id = String(req.headers['x-doorman-event-id']);
        if (this.refuse.has(id)) return res.writeHead(422).end();
        this.got.push({ id, body, signature: String(req.headers['x-doorman-signature']) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => this.server?.listen(this.port, '127.0.0.1', r));
  }
  async down() {
    this.server?.closeAllConnections();
    await new Promise((r) => (this.server ? this.server.close(r) : r(undefined)));
  }
}

const until = async (what: string, cond: () => boolean, ms = 10_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('webhook signatures', () => {
  it('verify with the secret, and not with another secret, another body or an old timestamp', () => {
    const body = '{"a":1}';
    const sig = signature(SECRET, body);
    assert.match(sig, /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.ok(verifySignature(SECRET, body, sig));
    assert.ok(!verifySignature(`${SECRET}x`, body, sig));
    assert.ok(!verifySignature(SECRET, '{"a":2}', sig));
    const old = signature(SECRET, body, new Date(Date.now() - 3_600_000));
    assert.ok(!verifySignature(SECRET, body, old), 'a replay an hour later');
    assert.ok(!verifySignature(SECRET, body, 'garbage'));
  });

  it('carry the verdict, transcript and a recording link in the event', () => {
    const r = report(7);
    r.answer = {
      outcome: 'match',
      entry: 'alice-johnson',
      contenders: [],
      transcript: 'alice johnson please',
      candidates: [{ id: 'alice-johnson', score: 0.97 }],
      endpoint: 'speech',
      audioMs: 3000,
      speechMs: 1800,
      speechDbfs: -20,
      noiseFloorDbfs: null,
      decisionMs: 12,
      frames: 150,
      framesBeforeStart: 0,
      recording: '/var/rec/x.wav',
    };
    const e = callFinished(r, 'https://pbx.example.com/doorman/');
    assert.equal(e.call.transcript, 'alice johnson please');
    assert.equal(e.call.destination, 'desk');
    assert.equal(e.call.recordingUrl, `https://pbx.example.com/doorman/api/calls/${r.id}/recording`);
    assert.equal(callFinished(r, '').call.recordingUrl, null, 'no public URL, no link');
  });
});

describe('webhook outbox', () => {
  it('delivers every event exactly once, in order, signed, across a receiver outage and a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doorman-hooks-'));
    const receiver = new Receiver(await Receiver.freePort());
    const endpoint = { url: receiver.url, secret: SECRET, timeoutMs: 1_000 };
    // The receiver is down: events wait on disk.
    const first = new WebhookOutbox(endpoint, dir, retry, logger);
    first.start();
    for (let i = 1; i <= 5; i++) first.enqueue(callFinished(report(i), ''));
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(first.backlog, 5);
    // Doorman restarts while the receiver is still down.
    await first.stop();
    const second = new WebhookOutbox(endpoint, dir, retry, logger);
    assert.equal(second.backlog, 5, 'the backlog survived the restart');
    second.start();
    second.enqueue(callFinished(report(6), ''));
    await new Promise((r) => setTimeout(r, 300));
    await receiver.up();
    await until('all six delivered', () => receiver.got.length >= 6);
    await new Promise((r) => setTimeout(r, 300)); // no duplicates trailing behind
    assert.deepEqual(
      receiver.got.map((g) => (JSON.parse(g.body) as CallFinishedEvent).call.channelId),
      ['chan-1', 'chan-2', 'chan-3', 'chan-4', 'chan-5', 'chan-6'],
    );
    for (const g of receiver.got) assert.ok(verifySignature(SECRET, g.body, g.signature), g.id);
    assert.equal(new Set(receiver.got.map((g) => g.id)).size, 6);
    assert.equal(second.backlog, 0);
    // A restart after delivery sends nothing again.
    await second.stop();
    const third = new WebhookOutbox(endpoint, dir, retry, logger);
    assert.equal(third.backlog, 0);
    await receiver.down();
  });

  it('sets aside an event the receiver refuses for good, and goes on with the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doorman-hooks-'));
    const receiver = new Receiver(await Receiver.freePort());
    await receiver.up();
    const outbox = new WebhookOutbox(
      { url: receiver.url, secret: SECRET, timeoutMs: 1_000 },
      dir,
      retry,
      logger,
    );
    const refused = callFinished(report(2), '');
    receiver.refuse.add(refused.id);
    outbox.start();
    for (const n of [1, 2, 3]) outbox.enqueue(n === 2 ? refused : callFinished(report(n), ''));
    await until('the other two delivered', () => receiver.got.length === 2);
    assert.deepEqual(
      receiver.got.map((g) => (JSON.parse(g.body) as CallFinishedEvent).call.channelId),
      ['chan-1', 'chan-3'],
    );
    await outbox.stop();
    const rejected = readFileSync(join(dir, `${readdir(dir)}.jsonl.rejected`), 'utf8');
    assert.match(rejected, /chan-2/);
    await receiver.down();
  });
});

function readdir(dir: string): string {
  const f = readdirSync(dir).find((x) => x.endsWith('.jsonl'));
  assert.ok(f && existsSync(join(dir, f)));
  return f.replace(/\.jsonl$/, '');
}

describe('webhook event types', () => {
  it('sends call.started only to receivers that asked for it, call.finished to all', async () => {
    const [both, finishedOnly] = [
      new Receiver(await Receiver.freePort()),
      new Receiver(await Receiver.freePort()),
    ];
    await both.up();
    await finishedOnly.up();
    const config = configSchema.parse({
      webhooks: {
        endpoints: [
          { url: both.url, secret: SECRET, events: ['call.started', 'call.finished'] },
          { url: finishedOnly.url, secret: SECRET },
        ],
        outboxDir: mkdtempSync(join(tmpdir(), 'doorman-hooks-')),
        retryMinMs: 100,
      },
    });
    const hooks = new Webhooks(config.webhooks, logger);
    hooks.start();
    try {
      const r = report(9);
      hooks.callStarted({
        type: 'started',
        callId: r.id,
        at: new Date().toISOString(),
        callerNumber: r.facts.callerNumber,
        callerName: r.facts.callerName,
        did: r.facts.did,
        route: r.facts.route,
      });
      hooks.callFinished(r);
      await until('both delivered', () => both.got.length === 2 && finishedOnly.got.length === 1);
      const types = (got: Received[]) => got.map((g) => JSON.parse(g.body).type);
      assert.deepEqual(types(both.got), ['call.started', 'call.finished']);
      assert.deepEqual(types(finishedOnly.got), ['call.finished']);
      const started = JSON.parse(both.got[0]?.body ?? '{}');
      assert.deepEqual(started.call, {
        id: r.id,
        callerNumber: r.facts.callerNumber,
        callerName: '<b>ACME</b>',
        did: '15550001000',
        route: 'default',
      });
      assert.ok(verifySignature(SECRET, both.got[0]?.body ?? '', both.got[0]?.signature ?? ''));
    } finally {
      await hooks.stop();
      await both.down();
      await finishedOnly.down();
    }
  });
});

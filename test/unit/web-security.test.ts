import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import type { CallRow } from '../../src/store/store.js';
import { MAX_STREAMS_PER_PRINCIPAL } from '../../src/web/routes/live.js';
import { exposureWarning } from '../../src/web/server.js';
import { ADMIN, api, login, callRow as sharedCallRow, startTestWeb, type TestWeb } from '../support/web.js';

const UUID = '00000000-0000-4000-8000-000000000000';

/** A request exactly as written (fetch would normalise `..` and `%2e%2e` away before sending). */
function raw(web: TestWeb, path: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(web.base);
  return new Promise<{ status: number; body: string; type: string }>((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const callRow = (id: string, over: Partial<CallRow> = {}): CallRow =>
  sharedCallRow(id, { checks: '[]', timings: '{}', ...over });

describe('admin API security', () => {
  let web: TestWeb;
  let operations: Array<{ method: string; path: string; public: boolean }>;

  before(async () => {
    web = await startTestWeb();
    const doc = (await api(web, 'GET', '/api/openapi.json')).body;
    operations = Object.entries(
      doc.paths as Record<string, Record<string, { security?: unknown[] }>>,
    ).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path: path.replace(/\{[^}]+\}/g, UUID),
        public: Array.isArray(op.security) && op.security.length === 0,
      })),
    );
  });
  after(() => web.close());

  it('has no public route but /health and the login', () => {
    assert.ok(operations.length > 15, 'the OpenAPI document lists the routes');
    assert.deepEqual(
      operations.filter((o) => o.public).map((o) => `${o.method} ${o.path}`),
      ['GET /health', 'POST /api/login'],
    );
  });

  it('refuses every other route without credentials, or with a bad token', async () => {
    for (const op of operations.filter((o) => !o.public)) {
      const none = await fetch(web.base + op.path, { method: op.method });
      assert.equal(none.status, 401, `${op.method} ${op.path} without credentials`);
      const bad = await fetch(web.base + op.path, {
        method: op.method,
        headers: { authorization: 'Bearer dm_not-a-real-token' },
      });
      assert.equal(bad.status, 401, `${op.method} ${op.path} with a made-up token`);
    }
  });

  it('refuses every write with a session cookie but no CSRF token, or the wrong one', async () => {
    const { cookie, csrf } = await login(web);
    const other = await login(web);
    const writes = operations.filter((o) => !o.public && o.method !== 'GET');
    assert.ok(writes.length >= 10);
    for (const op of writes) {
      for (const token of [undefined, 'x', other.csrf]) {
        const r = await fetch(web.base + op.path, {
          method: op.method,
          headers: {
            cookie,
            'content-type': 'application/json',
            ...(token ? { 'x-csrf-token': token } : {}),
          },
          body: op.method === 'DELETE' ? undefined : '{}',
        });
        assert.equal(r.status, 403, `${op.method} ${op.path} with CSRF token ${token}`);
      }
    }
    // The same session with its own token may write: the refusals above were about CSRF alone.
    const ok = await fetch(`${web.base}/api/screening`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ on: false }),
    });
    assert.equal(ok.status, 200);
    assert.equal((await api(web, 'GET', '/api/screening')).body.on, false);
  });

  it('serves the web app without credentials, with no data in it and a strict policy of its own', async () => {
    await api(web, 'POST', '/api/callers', { number: '+15550199998', name: 'Private Caller' });
    for (const path of ['/', '/ui/app.js', '/ui/app.css']) {
      const r = await fetch(web.base + path);
      assert.equal(r.status, 200, path);
      const csp = r.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'; script-src 'self'; style-src 'self';/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.doesNotMatch(csp, /unsafe/, path);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.doesNotMatch(await r.text(), /Private Caller|15550199998/, path);
    }
    const shell = await (await fetch(`${web.base}/`)).text();
    assert.doesNotMatch(shell, /<script(?![^>]*\ssrc=)|<style|\sstyle=|\son[a-z]+=/i, 'nothing inline');
  });

  it('answers /health without credentials', async () => {
    const r = await fetch(`${web.base}/health`);
    assert.equal(r.status, 503, 'ARI is not connected in this test');
    assert.equal(
      ((await r.json()) as { components: { database: { ok: boolean } } }).components.database.ok,
      true,
    );
  });

  it('sets the session cookie HttpOnly and SameSite=Strict, and ends it on logout', async () => {
    const r = await fetch(`${web.base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const session = r.headers.getSetCookie().find((c) => c.startsWith('doorman_session='));
    assert.match(session ?? '', /; HttpOnly/);
    assert.match(session ?? '', /; SameSite=Strict/);
    assert.match(session ?? '', /; Expires=/);
    const { cookie, csrf } = await login(web);
    const headers = { cookie, 'x-csrf-token': csrf };
    assert.equal((await fetch(`${web.base}/api/session`, { headers })).status, 200);
    assert.equal((await fetch(`${web.base}/api/logout`, { method: 'POST', headers })).status, 204);
    assert.equal((await fetch(`${web.base}/api/session`, { headers })).status, 401);
  });

  describe('live streams', () => {
    /** Opens /api/live; resolves `ended` when the server ends the stream. */
    const openStream = async (headers: Record<string, string>) => {
      const ac = new AbortController();
      const r = await fetch(`${web.base}/api/live`, { headers, signal: ac.signal });
      const ended =
        r.status === 200 && r.body
          ? (async () => {
              const reader = (r.body as ReadableStream<Uint8Array>).getReader();
              while (!(await reader.read()).done) {}
            })().then(() => true)
          : r.arrayBuffer().then(() => false);
      ended.catch(() => {});
      return { status: r.status, ended, close: () => ac.abort() };
    };
    // Budget: the stream asks again every 5 s; 8 s leaves room for a busy machine.
    const endsWithin = (p: Promise<boolean>, ms = 8_000) =>
      Promise.race([p, new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

    it('end when their session logs out, or their token is revoked', async () => {
      const { cookie, csrf } = await login(web);
      const byCookie = await openStream({ cookie });
      assert.equal(byCookie.status, 200);
      const { token } = await web.accounts.createToken('live-stream');
      const byToken = await openStream({ authorization: `Bearer ${token}` });
      assert.equal(byToken.status, 200);
      assert.equal(
        (await fetch(`${web.base}/api/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } }))
          .status,
        204,
      );
      await web.accounts.revokeToken('live-stream');
      assert.equal(await endsWithin(byCookie.ended), true, 'the logged-out session’s stream ended');
      assert.equal(await endsWithin(byToken.ended), true, 'the revoked token’s stream ended');
    });

    it(`are at most ${MAX_STREAMS_PER_PRINCIPAL} per session or token at once`, async () => {
      const headers = { authorization: `Bearer ${web.token}` };
      const streams = [];
      for (let i = 0; i < MAX_STREAMS_PER_PRINCIPAL; i++) streams.push(await openStream(headers));
      assert.deepEqual(
        streams.map((s) => s.status),
        Array(MAX_STREAMS_PER_PRINCIPAL).fill(200),
      );
      const over = await openStream(headers);
      assert.equal(over.status, 429);
      streams[0]?.close();
      // One closed: room for one more (the count follows closes, not only opens).
      const { cookie } = await login(web);
      const other = await openStream({ cookie });
      assert.equal(other.status, 200, 'another principal is not affected');
      other.close();
      // The server sees the close a moment after the client makes it: wait for that, no longer.
      let again = await openStream(headers);
      for (const t0 = Date.now(); again.status === 429 && Date.now() - t0 < 2_000; ) {
        await new Promise((r) => setTimeout(r, 50));
        again = await openStream(headers);
      }
      assert.equal(again.status, 200, 'a closed stream gives its place back');
      for (const s of [...streams, again]) s.close();
    });
  });

  it('ends sessions when they expire, and when the password changes', async () => {
    const { cookie } = await login(web);
    const soon = await web.accounts.session(cookie.match(/doorman_session=([^;]+)/)?.[1] ?? '');
    assert.ok(soon);
    const later = new Date(Date.parse(soon.expires_at) + 1000);
    assert.equal(
      await web.accounts.session(cookie.match(/doorman_session=([^;]+)/)?.[1] ?? '', later),
      undefined,
    );
    await web.accounts.setPassword(ADMIN.username, ADMIN.password);
    assert.equal((await fetch(`${web.base}/api/session`, { headers: { cookie } })).status, 401);
  });

  it('refuses a revoked API token', async () => {
    const { token } = await web.accounts.createToken('revoke-me');
    const headers = { authorization: `Bearer ${token}` };
    assert.equal((await fetch(`${web.base}/api/screening`, { headers })).status, 200);
    assert.equal(await web.accounts.revokeToken('revoke-me'), true);
    assert.equal((await fetch(`${web.base}/api/screening`, { headers })).status, 401);
  });

  it('returns a caller name carrying <script> as JSON data, never as a page', async () => {
    const name = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const added = await api(web, 'POST', '/api/callers', { number: '+15550199999', name });
    assert.equal(added.status, 201);
    const r = await api(web, 'GET', `/api/callers/${added.body.id}`);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.equal(r.body.name, name);
  });

  it('answers malformed bodies with 400 and a message, and keeps serving', async () => {
    const send = (body: string, type = 'application/json') =>
      fetch(`${web.base}/api/callers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${web.token}`, 'content-type': type },
        body,
      });
    for (const body of ['{"number": ', '{"number": "+15550100001",}', '\u0000\u0001', '']) {
      const r = await send(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      const err = (await r.json()) as { message: string };
      assert.ok(err.message.length > 5, err.message);
    }
    const wrong = await send(JSON.stringify({ number: 12345, list: 'grey' }));
    assert.equal(wrong.status, 400);
    const message = ((await wrong.json()) as { message: string }).message;
    assert.match(message, /body\.number/);
    assert.match(message, /body\.list/);
    const extra = await send(JSON.stringify({ number: '+15550100001', admin: true }));
    assert.equal(extra.status, 400, 'unknown fields are refused, not ignored');
    assert.equal((await send('number=1', 'application/x-www-form-urlencoded')).status, 415);
    assert.equal((await api(web, 'GET', '/api/screening')).status, 200, 'still serving');
  });

  describe('recordings', () => {
    let inside: string;
    before(async () => {
      const recordings = join(web.dir, 'recordings');
      mkdirSync(join(recordings, '2026-01-01'), { recursive: true });
      inside = join(recordings, '2026-01-01', 'chan-ok.wav');
      writeFileSync(inside, 'RIFF-inside');
      writeFileSync(join(web.dir, 'secret.wav'), 'RIFF-SECRET');
      symlinkSync(join(web.dir, 'secret.wav'), join(recordings, '2026-01-01', 'link.wav'));
      const rows: Array<[string, string]> = [
        ['rec-ok', inside],
        ['rec-abs', '/etc/passwd'],
        ['rec-dotdot', join(recordings, '..', 'secret.wav')],
        ['rec-relative', '../secret.wav'],
        ['rec-symlink', join(recordings, '2026-01-01', 'link.wav')],
        ['rec-missing', join(recordings, 'nope.wav')],
      ];
      // The answer to the second question is served (and guarded) the same way.
      for (const [id, recording] of rows)
        await web.store.recordCall(callRow(id, { recording, question_recording: recording }));
      await web.store.recordCall(callRow('rec-no-question', { recording: inside }));
    });

    it("streams a call's recordings as audio/wav", async () => {
      for (const part of ['recording', 'question-recording']) {
        const r = await raw(web, `/api/calls/rec-ok/${part}`, { authorization: `Bearer ${web.token}` });
        assert.equal(r.status, 200, part);
        assert.equal(r.type, 'audio/wav');
        assert.equal(r.body, 'RIFF-inside');
      }
      const none = await raw(web, '/api/calls/rec-no-question/question-recording', {
        authorization: `Bearer ${web.token}`,
      });
      assert.equal(none.status, 404, 'no second question was asked');
    });

    it('refuses recordings outside the folder: absolute, dot-dot, symlinked out', async () => {
      for (const id of ['rec-abs', 'rec-dotdot', 'rec-relative', 'rec-symlink']) {
        for (const part of ['recording', 'question-recording']) {
          const r = await raw(web, `/api/calls/${id}/${part}`, { authorization: `Bearer ${web.token}` });
          assert.equal(r.status, 403, `${id} ${part}`);
          assert.doesNotMatch(r.body, /SECRET|root:/);
        }
      }
      const missing = await raw(web, '/api/calls/rec-missing/recording', {
        authorization: `Bearer ${web.token}`,
      });
      assert.equal(missing.status, 404);
    });

    it('refuses traversal in the URL, plain or encoded', async () => {
      for (const path of [
        '/api/calls/../../../etc/passwd/recording',
        '/api/calls/..%2f..%2f..%2fetc%2fpasswd/recording',
        '/api/calls/%2e%2e%2f%2e%2e%2fsecret.wav/recording',
        '/api/calls/%2e%2e/recording',
        '/api/calls/..%252f..%252fsecret.wav/recording',
        '/api/calls/%2Fetc%2Fpasswd/recording',
        '/api/calls/rec-ok%2f..%2f..%2f..%2fsecret/recording',
      ]) {
        const r = await raw(web, path, { authorization: `Bearer ${web.token}` });
        assert.ok([400, 404].includes(r.status), `${path}: ${r.status}`);
        assert.doesNotMatch(r.body, /SECRET|root:/, path);
      }
    });
  });
});

describe('login rate limit', () => {
  let web: TestWeb;
  before(async () => {
    web = await startTestWeb({ web: { trustProxy: true } });
  });
  after(() => web.close());

  const attempt = (username: string, password: string, ip: string) =>
    fetch(`${web.base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ username, password }),
    });

  it('answers 429 after 5 failures from one address, even to the right password', async () => {
    for (let i = 0; i < 5; i++)
      assert.equal((await attempt(`user${i}`, 'wrong password', '192.0.2.1')).status, 401);
    const limited = await attempt(ADMIN.username, ADMIN.password, '192.0.2.1');
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal(
      (await attempt(ADMIN.username, ADMIN.password, '192.0.2.2')).status,
      200,
      'other addresses are not',
    );
  });

  it('locks an account under attack for the addresses guessing, not for a clean one with the right password', async () => {
    for (let i = 0; i < 5; i++)
      assert.equal((await attempt(ADMIN.username, 'wrong', `198.51.100.${i}`)).status, 401);
    // Each guessing address has failed once: the account's lock holds for them.
    assert.equal((await attempt(ADMIN.username, ADMIN.password, '198.51.100.0')).status, 429);
    // The admin, from an address that never failed, gets in.
    assert.equal((await attempt(ADMIN.username, ADMIN.password, '198.51.100.99')).status, 200);
  });

  it('behind the proxy, keys on the address the proxy saw, not on a forged leftmost X-Forwarded-For', async () => {
    // What the proxy appends is last; what the client sent comes before it, and may be anything.
    const forged = (i: number) => `10.66.${i}.1, 203.0.113.50`;
    for (let i = 0; i < 5; i++) assert.equal((await attempt(`forge${i}`, 'wrong', forged(i))).status, 401);
    assert.equal(
      (await attempt('forge9', 'wrong', forged(9))).status,
      429,
      'a new forged entry is no new address',
    );
  });

  it('counts parallel guesses before hashing them: a burst from one address is checked 5 times, not 40', async () => {
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => attempt(`burst${i}`, 'wrong password', '203.0.113.7')),
    );
    const statuses = burst.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 401).length, 5, statuses.join(' '));
    assert.equal(statuses.filter((s) => s === 429).length, 35);
  });

  it('hashes one login at a time, refusing a flood from many addresses past a short line, and keeps serving', async () => {
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const flood = Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        attempt(`flood${i}`, 'wrong password', `10.9.${i >> 8}.${i & 255}`),
      ),
    );
    // Budget: one hash (~50 ms) and the request; the old route ran 60 at once in the thread
    // pool the server's file reads share (a recording took 19.7 s in the review's flood).
    const t0 = performance.now();
    const health = await fetch(`${web.base}/health`);
    const healthMs = performance.now() - t0;
    const statuses = (await flood).map((r) => r.status);
    lag.disable();
    assert.ok(health.status === 200 || health.status === 503, String(health.status));
    assert.ok(healthMs < 2_000, `/health took ${Math.round(healthMs)} ms during the flood`);
    const busy = statuses.filter((s) => s === 503).length;
    assert.ok(
      busy >= 60 - 1 - 16,
      `only one hashing and 16 waiting; the rest refused: ${statuses.join(' ')}`,
    );
    assert.ok(
      statuses.every((s) => s === 401 || s === 503),
      statuses.join(' '),
    );
    assert.ok(lag.max / 1e6 < 1_000, `event loop stalled ${Math.round(lag.max / 1e6)} ms`);
  });
});

describe('an admin API reachable from the network', () => {
  it('warns when it listens beyond loopback over plain HTTP, and not on loopback or behind TLS', () => {
    assert.match(exposureWarning({ host: '0.0.0.0', secureCookies: false }) ?? '', /plain HTTP.*TLS proxy/);
    assert.match(exposureWarning({ host: '192.168.1.10', secureCookies: false }) ?? '', /192\.168\.1\.10/);
    assert.equal(exposureWarning({ host: '127.0.0.1', secureCookies: false }), null);
    assert.equal(exposureWarning({ host: '::1', secureCookies: false }), null);
    assert.equal(exposureWarning({ host: '0.0.0.0', secureCookies: true }), null);
  });
});

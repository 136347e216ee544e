import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { normalizeNumber } from '../../src/match/caller-id.js';
import { NameRules } from '../../src/match/name-rules.js';
import { NumberRules } from '../../src/match/number-rules.js';
import type { CheckContext } from '../../src/policy/check.js';
import { allowlistCheck } from '../../src/policy/checks/allowlist.js';
import { blocklistCheck } from '../../src/policy/checks/blocklist.js';
import { bypassCheck } from '../../src/policy/checks/bypass.js';
import { runChecks } from '../../src/policy/pipeline.js';
import { testDatabases } from '../support/databases.js';
import { int, lagMonitor, randomString, SEED, STALL_BUDGET_MS, wellFormed } from '../support/fuzz.js';
import { api, startTestWeb, type TestWeb } from '../support/web.js';

// Hostile caller-ID numbers and names through the pre-answer pipeline (with the real store) and
// the admin API, on SQLite, PostgreSQL and MariaDB: nothing may crash, answer 500, or come back
// other than it went in. The write queue, the call-log export, the live stream and webhooks are
// in fuzz-paths.test.ts.
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 100);
const databases = await testDatabases();
const lag = lagMonitor();

after(async () => {
  for (const db of databases) await db.drop();
});

for (const db of databases)
  describe(`fuzz on ${db.name} (seed ${SEED}, ${ROUNDS} rounds; FUZZ_SEED=${SEED} repeats it)`, () => {
    let web: TestWeb;
    before(async () => {
      web = await startTestWeb({ store: { url: db.url, timeoutMs: 5_000 } });
      await web.store.addNameRule('regex', '^(spam|scam)\\b');
      await web.store.addNameRule('exact', 'Police Officers PAC');
    });
    after(() => web?.close());

    it('runs hostile caller IDs through the pre-answer pipeline against the real store', async () => {
      const rules = new NameRules(await web.store.nameRules());
      const numberRules = new NumberRules([
        { id: 'p', list: 'block', kind: 'prefix', pattern: '+1900', destination: 'blocked' },
        { id: 'r', list: 'allow', kind: 'range', pattern: '+1555000-+1555999', destination: null },
        { id: 'n', list: 'block', kind: 'neighbour', pattern: '7', destination: null },
      ]);
      for (let i = 0; i < ROUNDS; i++) {
        const rawNumber = randomString();
        const name = randomString();
        const caller = normalizeNumber(rawNumber, 'US');
        assert.equal(typeof caller.key, 'string');
        assert.ok(caller.key.length <= 255, 'the key is bounded');
        if (!caller.anonymous && i % 3 === 0) {
          await web.store.upsertCaller({
            number: caller.key,
            rawNumber: caller.raw,
            list: i % 2 ? 'allow' : 'block',
            source: 'manual',
            name,
          });
        }
        const ctx: CheckContext = {
          caller,
          callerName: name,
          did: randomString(),
          route: { unknown: 'desk', blocked: 'blocked', blockAnonymous: i % 2 === 0 },
          now: new Date(),
          lists: () => web.store.lookup(caller.key),
          bypass: async () => ({ off: false, until: null }),
          flooded: () => null,
          nameRule: async (list) => rules.match(name, list),
          numberRule: async (list) => numberRules.match(list, caller.key, normalizeNumber(ctx.did, 'US').key),
          hasDestination: (d) => d === 'desk' || d === 'blocked',
        };
        const r = await runChecks([bypassCheck, blocklistCheck, allowlistCheck], ctx, { timeoutMs: 2_000 });
        assert.ok(
          r.trace.every((t) => t.result === 'next' || t.result === 'route'),
          `round ${i}: ${JSON.stringify(r.trace)}`,
        );
        if (r.verdict) assert.ok(['desk', 'blocked'].includes(r.verdict.destination));
      }
    });

    it('sends hostile names and numbers through the API: 201 or 400, never 500, stored exactly', async () => {
      for (let i = 0; i < ROUNDS; i++) {
        const number = randomString().slice(0, 64) || '0';
        const name = randomString().slice(0, 255);
        const added = await api(web, 'POST', '/api/callers', {
          number,
          name,
          note: randomString().slice(0, 1000),
        });
        assert.ok(
          [201, 400].includes(added.status),
          `round ${i}: ${added.status} ${JSON.stringify(added.body)}`,
        );
        assert.match(added.headers.get('content-type') ?? '', /^application\/json/);
        if (added.status === 201) {
          const back = await api(web, 'GET', `/api/callers/${added.body.id}`);
          // Stored exactly, except that ill-formed UTF-16 (lone surrogates) becomes U+FFFD and NUL
          // goes (PostgreSQL cannot hold it; one database must not differ from another).
          assert.equal(back.body.name, wellFormed(name.replaceAll('\u0000', '')), `round ${i}`);
        }
        const term = wellFormed(randomString().slice(0, 100));
        const search = await api(web, 'GET', `/api/callers?search=${encodeURIComponent(term)}`);
        assert.ok(
          [200, 400].includes(search.status),
          `search round ${i}: ${search.status} ${JSON.stringify(term)}`,
        );
      }
    });

    it('answers malformed bodies of random bytes with 400, never 500', async () => {
      for (let i = 0; i < 50; i++) {
        const bytes = Buffer.from(Array.from({ length: int(2000) }, () => int(256)));
        const r = await fetch(`${web.base}/api/callers`, {
          method: 'POST',
          headers: { authorization: `Bearer ${web.token}`, 'content-type': 'application/json' },
          body: bytes,
        });
        assert.ok(r.status >= 400 && r.status < 500, `round ${i}: ${r.status}`);
      }
    });
  });

describe('fuzz: the event loop', () => {
  it('never stalls for long across the whole run', () => {
    const { maxMs, p99Ms } = lag.stop();
    // Over all three databases (STALL_BUDGET_MS says what it guards against).
    assert.ok(
      maxMs < STALL_BUDGET_MS,
      `event-loop delay max ${maxMs.toFixed(0)} ms (p99 ${p99Ms.toFixed(0)} ms)`,
    );
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { normalizeNumber } from '../../src/match/caller-id.js';
import { NameRules } from '../../src/match/name-rules.js';
import type { CheckContext } from '../../src/policy/check.js';
import { allowlistCheck } from '../../src/policy/checks/allowlist.js';
import { blocklistCheck } from '../../src/policy/checks/blocklist.js';
import { bypassCheck } from '../../src/policy/checks/bypass.js';
import { runChecks } from '../../src/policy/pipeline.js';
import { api, startTestWeb, type TestWeb } from '../support/web.js';

// Hostile caller-ID numbers and names through the pre-answer pipeline (with the real store) and
// the admin API: nothing may crash, answer 500, or come back other than it went in.
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 300);

function prng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}
const random = prng(SEED);
const wellFormed = (x: string) => (x as string & { toWellFormed(): string }).toWellFormed();
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
const int = (n: number) => Math.floor(random() * n);

const PAYLOADS = [
  "'; DROP TABLE callers; --",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, as a caller would send it
  '{{7*7}}${7*7}',
  '=HYPERLINK("http://x")',
  '../../../../etc/passwd',
  '%00%2e%2e%2f',
  'anonymous',
  'Restricted',
  '+',
  '++1 (555) 000-0000 ext. 12',
  '\u202Egnp.exe',
  '😀📞☎️',
  'Ñandú Çağlar Øre',
  '\u0000\u0007\u001b[31m',
];

function randomString(): string {
  switch (int(5)) {
    case 0:
      return pick(PAYLOADS);
    case 1: // random code units, lone surrogates and controls included
      return String.fromCharCode(...Array.from({ length: int(64) }, () => int(0x10000)));
    case 2:
      return pick(PAYLOADS)
        .repeat(1 + int(800))
        .slice(0, 10_240);
    case 3:
      return Array.from({ length: 1 + int(20) }, () => pick('0123456789+-() #*'.split(''))).join('');
    default:
      return `${pick(PAYLOADS)}${String.fromCharCode(int(0x80))}${int(1e9)}`;
  }
}

describe(`fuzz (seed ${SEED}, ${ROUNDS} rounds; FUZZ_SEED=${SEED} repeats it)`, () => {
  let web: TestWeb;
  before(async () => {
    web = await startTestWeb();
    await web.store.addNameRule('regex', '^(spam|scam)\\b');
    await web.store.addNameRule('exact', 'Police Officers PAC');
  });
  after(() => web?.close());

  it('runs hostile caller IDs through the pre-answer pipeline against the real store', async () => {
    const rules = new NameRules(await web.store.nameRules());
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
        nameRule: async () => rules.match(name),
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
      const search = await api(
        web,
        'GET',
        `/api/callers?search=${encodeURIComponent(wellFormed(randomString().slice(0, 100)))}`,
      );
      assert.ok([200, 400].includes(search.status), `search round ${i}: ${search.status}`);
    }
  });

  it('answers malformed bodies of random bytes with 400, never 500', async () => {
    for (let i = 0; i < 100; i++) {
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

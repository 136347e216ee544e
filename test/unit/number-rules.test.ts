import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeNumber } from '../../src/match/caller-id.js';
import { NameRules } from '../../src/match/name-rules.js';
import { type NumberRule, NumberRules, validateNumberRule } from '../../src/match/number-rules.js';
import type { CheckContext } from '../../src/policy/check.js';
import { allowlistCheck } from '../../src/policy/checks/allowlist.js';
import { blocklistCheck } from '../../src/policy/checks/blocklist.js';
import { bypassCheck } from '../../src/policy/checks/bypass.js';
import { runChecks } from '../../src/policy/pipeline.js';

const rule = (
  id: string,
  list: NumberRule['list'],
  kind: NumberRule['kind'],
  pattern: string,
  destination: string | null = null,
): NumberRule => ({ id, list, kind, pattern, destination });

describe('number rules', () => {
  const rules = new NumberRules([
    rule('premium', 'block', 'prefix', '+1900', 'sit'),
    rule('country', 'block', 'prefix', '+44'),
    rule('london', 'allow', 'prefix', '+4420', 'desk'),
    rule('block-of-100', 'block', 'range', '+15550100-+15550199', 'voicemail'),
    rule('wide', 'block', 'range', '+1555000-+1555999'),
    rule('neighbours', 'block', 'neighbour', '7'),
    rule('broken', 'block', 'prefix', 'not a prefix'),
  ]);

  it('covers a prefix, a range and its bounds, the most specific rule first', () => {
    assert.equal(rules.match('block', '+19005550123')?.id, 'premium');
    assert.equal(rules.match('block', '+447700900123')?.id, 'country');
    assert.equal(rules.match('block', '+15550100123')?.id, 'block-of-100');
    assert.equal(rules.match('block', '+15550199999')?.id, 'block-of-100');
    assert.equal(
      rules.match('block', '+15550200000')?.id,
      'wide',
      'outside the narrow range, inside the wide one',
    );
    assert.equal(rules.match('block', '+15559990000')?.id, 'wide');
    assert.equal(rules.match('block', '+15561000000'), null);
    assert.equal(rules.match('allow', '+442079460000')?.id, 'london');
    assert.equal(rules.match('allow', '+19005550123'), null, 'a block rule does not allow');
  });

  it('takes a caller whose first digits are the number called for a neighbour, never the number itself', () => {
    assert.equal(rules.match('block', '+13125550000', '+13125551234')?.id, 'neighbours');
    assert.equal(rules.match('block', '+13125551234', '+13125551234'), null);
    assert.equal(rules.match('block', '+13135550000', '+13125551234'), null);
    // A rule of more digits still wins.
    assert.equal(rules.match('block', '+15550100123', '+15550100999')?.id, 'block-of-100');
  });

  it('matches nothing for withheld or unparsed numbers, and skips rules stored broken', () => {
    assert.equal(rules.match('block', 'anonymous'), null);
    assert.equal(rules.match('block', '5550100'), null);
    assert.equal(rules.match('block', '+'), null);
    assert.throws(() => validateNumberRule({ kind: 'prefix', pattern: 'not a prefix' }), /a prefix is \+/);
    assert.throws(() => validateNumberRule({ kind: 'range', pattern: '+1-+2-+3' }), /a range is two numbers/);
    assert.throws(() => validateNumberRule({ kind: 'neighbour', pattern: '15' }), /4 to 14/);
  });

  it('finds the covering range among many overlapping ones', () => {
    const many = new NumberRules([
      rule('big', 'block', 'range', '+1000-+1999'),
      ...Array.from({ length: 500 }, (_, i) =>
        rule(`small-${i}`, 'block', 'range', `+1${100 + i}-+1${100 + i}`),
      ),
    ]);
    assert.equal(
      many.match('block', '+19995551234')?.id,
      'big',
      'reached over 500 narrower ranges starting before it',
    );
    assert.equal(many.match('block', '+11235551234')?.id, 'small-23');
  });
});

describe('number and name rules in the pipeline', () => {
  const names = new NameRules([
    { id: 'v', kind: 'regex', pattern: '^V[0-9]+$', list: 'block', destination: 'voicemail' },
    { id: 'old', kind: 'exact', pattern: 'Police Officers PAC' },
    { id: 'pharmacy', kind: 'exact', pattern: 'CVS Pharmacy', list: 'allow', destination: 'desk' },
  ]);
  const rules = new NumberRules([
    rule('premium', 'block', 'prefix', '+1900', 'voicemail'),
    rule('partners', 'allow', 'range', '+1555010-+1555019', 'desk'),
  ]);
  const context = (
    number: string,
    lists: Awaited<ReturnType<CheckContext['lists']>> = {},
    callerName = '',
  ): CheckContext => {
    const caller = normalizeNumber(number, 'US');
    return {
      caller,
      callerName,
      did: '15550001000',
      route: { unknown: 'machines', blocked: 'blocked', blockAnonymous: false },
      now: new Date(),
      lists: async () => lists,
      bypass: async () => ({ off: false, until: null }),
      flooded: () => null,
      nameRule: async (list) => names.match(callerName, list),
      numberRule: async (list) => rules.match(list, caller.key, '+15550001000'),
      hasDestination: (d) => ['desk', 'voicemail', 'blocked', 'machines'].includes(d),
    };
  };
  const run = (ctx: CheckContext) =>
    runChecks([bypassCheck, blocklistCheck, allowlistCheck], ctx, { timeoutMs: 1_000 });

  it("sends a rule's callers to the rule's destination, and the rest on", async () => {
    const blocked = await run(context('+19005550123'));
    assert.equal(blocked.verdict?.destination, 'voicemail');
    assert.match(blocked.verdict?.reason ?? '', /block rule prefix \+1900/);
    const allowed = await run(context('+15550150000'));
    assert.equal(allowed.verdict?.destination, 'desk');
    assert.equal(allowed.verdict?.check, 'allowlist');
    assert.equal((await run(context('+15557770000'))).verdict, null);
  });

  it('sends callers by name to the rule’s own destination, blocking or allowing', async () => {
    const v = await run(context('+15557770000', {}, 'V12345'));
    assert.equal(v.verdict?.destination, 'voicemail');
    assert.equal(v.verdict?.check, 'blocklist');
    const old = await run(context('+15557770000', {}, "POLICE OFFICERS' P.A.C."));
    assert.equal(old.verdict?.destination, 'blocked', 'a rule from before lists blocks, to the route’s');
    const pharmacy = await run(context('+15557770000', {}, 'cvs pharmacy'));
    assert.equal(pharmacy.verdict?.destination, 'desk');
    assert.equal(pharmacy.verdict?.check, 'allowlist');
    assert.match(pharmacy.verdict?.reason ?? '', /allow rule "CVS Pharmacy"/);
    // Blocking comes first: a blocked number with an allowed name stays blocked.
    const both = await run(
      context('+15557770000', { block: { id: 'e', destination: null, name: null } }, 'CVS Pharmacy'),
    );
    assert.equal(both.verdict?.destination, 'blocked');
  });

  it('lets a number listed by itself win over a rule', async () => {
    const entry = { id: 'e', destination: null, name: null };
    const allowedAlone = await run(context('+19005550123', { allow: entry }));
    assert.equal(allowedAlone.verdict?.check, 'allowlist', 'allowed by itself, inside a block rule');
    const blockedAlone = await run(context('+15550150000', { block: entry }));
    assert.equal(blockedAlone.verdict?.destination, 'blocked', 'blocked by itself, inside an allow rule');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldName, NameRuleError, NameRules, validateNameRule } from '../../src/match/name-rules.js';

describe('caller-ID name rules', () => {
  const rules = new NameRules([
    { id: 'pac', kind: 'exact', pattern: 'Police Officers PAC' },
    { id: 'vnum', kind: 'regex', pattern: '^V[0-9]+$' },
    { id: 'spam', kind: 'regex', pattern: 'spam\\s*likely' },
  ]);

  it('matches exact rules after folding case, spaces and punctuation', () => {
    for (const n of [
      'POLICE OFFICERS PAC',
      "Police Officers' P.A.C.",
      'police-officers-pac',
      'Pólice Officers PAC',
    ]) {
      assert.equal(rules.match(n)?.id, 'pac', n);
    }
    assert.equal(rules.match('Police Officers'), null);
    assert.equal(foldName('  A.b-C d '), 'abcd');
  });

  it('matches regex rules, case-insensitively', () => {
    assert.equal(rules.match('V12345')?.id, 'vnum');
    assert.equal(rules.match('v9')?.id, 'vnum');
    assert.equal(rules.match('V12345X'), null);
    assert.equal(rules.match('SPAM LIKELY')?.id, 'spam');
  });

  it('refuses what RE2 cannot run, with a clear reason', () => {
    const bad: Array<[string, RegExp]> = [
      ['(a)\\1', /no backreferences or lookaround/],
      ['(?<=a)b', /no backreferences or lookaround/],
      ['([a-z', /not a valid regular expression/],
      // The review's bypass of the old backtracking guard: refused as RE2 reads it.
      ['[]|(a+)+$', /missing closing \]/],
      ['x'.repeat(300), /longer than/],
      ['  ', /empty/],
    ];
    for (const [pattern, why] of bad) {
      assert.throws(
        () => validateNameRule({ kind: 'regex', pattern }),
        (e: unknown) => e instanceof NameRuleError && why.test(e.message),
        pattern,
      );
    }
    for (const ok of ['^V[0-9]+$', '(robo|auto) ?call', '[+*]+', '^(ab)+$', 'a{2,5}', '(a+)+$']) {
      assert.doesNotThrow(() => validateNameRule({ kind: 'regex', pattern: ok }), ok);
    }
  });

  it('runs any pattern in time linear in the name: the review’s freezes take milliseconds', () => {
    // Accepted by the old guard, then 12 s (28 characters) to over 60 s (60) on the main thread.
    const patterns = ['(a+)+$', '.*.*.*.*.*.*.*.*!', '(\\w+\\s?)+\\w+!', '(x+x+)+y', '(a|aa)*b'];
    const r = new NameRules(patterns.map((pattern, i) => ({ id: `r${i}`, kind: 'regex' as const, pattern })));
    const hostile = [
      'a'.repeat(28),
      'a'.repeat(60),
      'x'.repeat(255),
      'ab '.repeat(85),
      `${'a'.repeat(254)}!`,
    ];
    const t0 = performance.now();
    for (const name of hostile) r.match(name);
    const ms = performance.now() - t0;
    // Budget: a second for all five names on a busy machine; backtracking takes minutes.
    assert.ok(ms < 1_000, `${Math.round(ms)} ms`);
    assert.equal(r.match('caaaa')?.id, 'r0', 'and the rules still match what they should');
  });

  it('is not evaded by padding a name past its length cap, and still caps what a regex reads', () => {
    // Padding that folds away, before, inside and after the name.
    assert.equal(rules.match(`${' '.repeat(300)}Police Officers PAC`)?.id, 'pac');
    assert.equal(rules.match(`P${'.'.repeat(300)}olice Officers PAC`)?.id, 'pac');
    assert.equal(rules.match(`Police Officers PAC${'-'.repeat(300)}`)?.id, 'pac');
    // Spaces made one; a name still too long is read at both ends.
    assert.equal(rules.match(`${' '.repeat(400)}V12345${'\t'.repeat(400)}`)?.id, 'vnum');
    const r = new NameRules([{ id: 'tail', kind: 'regex', pattern: 'x$' }]);
    assert.equal(r.match(`${'a'.repeat(300)}x`)?.id, 'tail');
    assert.equal(r.match(`${'a'.repeat(200)}x`)?.id, 'tail');
    const middle = new NameRules([{ id: 'mid', kind: 'regex', pattern: 'needle' }]);
    assert.equal(
      middle.match(`${'a'.repeat(300)}needle${'a'.repeat(300)}`),
      null,
      'a regex reads 255 characters at each end, no more',
    );
    assert.equal(
      new NameRules([{ id: 'n', kind: 'exact', pattern: 'abc' }]).match('\u0000a\u0007b\u001bc')?.id,
      'n',
    );
  });

  it('never runs a stored rule that fails validation', () => {
    const r = new NameRules([{ id: 'evil', kind: 'regex', pattern: '(a+)+$' }]);
    assert.equal(r.match('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'), null);
  });
});

describe('outbound dial strings', () => {
  it('yields the dialled number, or nothing for what is not one', async () => {
    const { dialledNumber } = await import('../../src/calls/outbound-watcher.js');
    assert.equal(dialledNumber('15557654321@trunk'), '15557654321');
    assert.equal(dialledNumber('trunk/sip:+15557654321@sip.example.com'), '+15557654321');
    assert.equal(dialledNumber('0044207946'), '0044207946');
    assert.equal(dialledNumber('alice@trunk'), null);
    assert.equal(dialledNumber("1'; drop table callers;--@trunk"), null);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callerNameWithEntry, dialplanSafe, dialplanVariables } from '../../src/calls/dialplan-variables.js';
import { helperApp, helperId } from '../../src/calls/helper-ids.js';
import type { HeardAnswer } from '../../src/challenge/heard-answer.js';

const heard = (over: Partial<HeardAnswer>): HeardAnswer =>
  ({
    outcome: 'match',
    entry: 'alice-johnson',
    contenders: [],
    transcript: 'alice johnson',
    ...over,
  }) as HeardAnswer;
const verdict = {
  kind: 'route' as const,
  destination: 'desk',
  reason: 'asked for Alice',
  check: 'challenge',
};

describe('what the dialplan is told of a verdict', () => {
  it('names the destination, the step, the entry, the label and the words heard', () => {
    assert.deepEqual(dialplanVariables(verdict, { answer: heard({}), accountCode: 'ACME-0042' }), {
      DOORMAN_VERDICT: 'desk',
      DOORMAN_CHECK: 'challenge',
      DOORMAN_ENTRY: 'alice-johnson',
      DOORMAN_LABEL: 'ACME-0042',
      DOORMAN_HEARD: 'alice johnson',
    });
  });

  it('sets every variable, empty where it does not apply, so none is left from an earlier pass', () => {
    const told = dialplanVariables({ ...verdict, check: 'allowlist' }, {});
    assert.deepEqual(told, {
      DOORMAN_VERDICT: 'desk',
      DOORMAN_CHECK: 'allowlist',
      DOORMAN_ENTRY: '',
      DOORMAN_LABEL: '',
      DOORMAN_HEARD: '',
    });
    const unsure = dialplanVariables(verdict, { answer: heard({ outcome: 'ambiguous', entry: null }) });
    assert.equal(unsure.DOORMAN_ENTRY, '', 'no entry for an answer that named nobody for sure');
  });

  it('keeps what could split a dialplan argument or start an expression out of every value', () => {
    // A dialplan expression and variable reference, quotes, separators, control characters.
    const hostile = `x,y"z$${'{'}SHELL}$[1+1]|a;b\n\u202Eevil\u0000\`id\``;
    const told = dialplanVariables(verdict, { answer: heard({ transcript: hostile }), accountCode: hostile });
    for (const value of [told.DOORMAN_HEARD, told.DOORMAN_LABEL]) {
      assert.doesNotMatch(value ?? '', /[,"$|;{}[\]`\u202E\p{Cc}]/u, value);
      assert.match(value ?? '', /SHELL/, 'the words stay readable');
    }
    assert.equal(
      dialplanVariables(verdict, { answer: heard({ transcript: 'a '.repeat(200) }) }).DOORMAN_HEARD?.length,
      80,
    );
  });

  it('puts whom the caller asked for before their caller-ID name', () => {
    assert.equal(callerNameWithEntry('Alice Johnson', 'ACME INC'), '[Alice Johnson] ACME INC');
    assert.equal(callerNameWithEntry('Alice Johnson', ''), '[Alice Johnson]');
    assert.equal(callerNameWithEntry(undefined, 'ACME INC'), null);
    assert.equal(callerNameWithEntry('Alice', 'Evil, Inc"'), '[Alice] Evil Inc');
    assert.equal(dialplanSafe('  Zoë  Müller-Lüdenscheidt '), 'Zoë Müller-Lüdenscheidt');
  });
});

describe('helper ids', () => {
  it('carry the app that made them, so two Doormans tell their own leftovers apart', () => {
    for (const prefix of ['doorman-', 'doorman-media-', 'doorman-callee-', 'doorman-connect-']) {
      assert.equal(helperApp(helperId(prefix, 'doorman')), 'doorman');
      assert.equal(helperApp(helperId(prefix, 'doorman-b')), 'doorman-b');
    }
    // Made before ids carried it: anyone's, swept as before.
    assert.equal(helperApp('doorman-media-0b7c3f4e-9d2a-4b8e-8c1f-2a3b4c5d6e7f'), null);
    assert.equal(helperApp('PJSIP/trunk-00000001'), null);
  });
});

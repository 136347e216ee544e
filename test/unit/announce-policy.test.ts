import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import {
  type AnnounceTargets,
  announcementText,
  announceOutcome,
  decisionText,
  shouldAnnounce,
} from '../../src/policy/announce.js';
import type { Verdict } from '../../src/policy/verdict.js';

const byChallenge: Verdict = {
  kind: 'route',
  destination: 'desk',
  reason: 'asked for Alice',
  check: 'challenge',
};
const byAllowlist: Verdict = { ...byChallenge, check: 'allowlist' };
const sure = { named: true, unsure: false };

describe('announced calls, as policy', () => {
  it('announces on the most specific setting: entry, then destination, then route', () => {
    assert.equal(shouldAnnounce(byChallenge, { ...sure, modes: [undefined, undefined, 'always'] }), true);
    assert.equal(shouldAnnounce(byChallenge, { ...sure, modes: ['never', undefined, 'always'] }), false);
    assert.equal(shouldAnnounce(byChallenge, { ...sure, modes: [undefined, 'never', 'always'] }), false);
    assert.equal(shouldAnnounce(byChallenge, { ...sure, modes: ['always', 'never', 'never'] }), true);
    assert.equal(shouldAnnounce(byChallenge, { ...sure, modes: [undefined, undefined, undefined] }), false);
  });

  it('when-unsure: only answers confirmed, chosen or unchecked, never an allowlisted caller', () => {
    const modes = [undefined, undefined, 'when-unsure'] as const;
    assert.equal(shouldAnnounce(byChallenge, { ...sure, modes }), false);
    assert.equal(shouldAnnounce(byChallenge, { named: true, unsure: true, modes }), true);
    assert.equal(shouldAnnounce(byAllowlist, { named: false, unsure: true, modes }), false);
  });

  it('announces only callers on their way to the person they named', () => {
    const modes = ['always'] as const;
    for (const check of ['blocklist', 'bypass', 'pin', 'name-rule', 'announce'])
      assert.equal(shouldAnnounce({ ...byChallenge, check }, { ...sure, modes }), false, check);
    // The challenge sent them to unknown or machines: nobody was named.
    assert.equal(shouldAnnounce(byChallenge, { named: false, unsure: false, modes }), false);
  });

  it('on always, announces allowlisted callers a screening let in, not those a person chose', () => {
    const modes = ['always'] as const;
    for (const source of ['screened', 'pin', 'outbound'])
      assert.equal(shouldAnnounce(byAllowlist, { ...sure, modes, allowSource: source }), true, source);
    for (const source of ['phone', 'manual', 'api', 'import', 'contacts'])
      assert.equal(shouldAnnounce(byAllowlist, { ...sure, modes, allowSource: source }), false, source);
  });

  const targets: AnnounceTargets = {
    voicemail: 'alice-vm',
    blocked: 'blocked',
    noDecision: 'voicemail',
    unknown: 'fallback',
    askedAgain: false,
  };

  it('routes each key, and no key, as the callee asked', () => {
    assert.deepEqual(announceOutcome({ key: '1' }, targets), {
      kind: 'connect',
      allow: { source: 'screened', note: 'accepted by the callee' },
    });
    assert.deepEqual(announceOutcome({ key: '4' }, targets), {
      kind: 'connect',
      allow: { source: 'phone', note: 'always allowed by the callee' },
    });
    assert.deepEqual(announceOutcome({ key: '2' }, targets), { kind: 'route', destination: 'alice-vm' });
    assert.deepEqual(announceOutcome({ key: '3' }, targets), {
      kind: 'route',
      destination: 'blocked',
      block: { note: 'blocked by the callee' },
    });
    assert.deepEqual(announceOutcome({ key: '5' }, targets), { kind: 'ask-again' });
    assert.deepEqual(announceOutcome({ key: '5' }, { ...targets, askedAgain: true }), {
      kind: 'route',
      destination: 'fallback',
    });
    for (const none of ['no-key', 'no-answer', 'hung-up', 'failed'] as const)
      assert.deepEqual(announceOutcome({ none }, targets), { kind: 'route', destination: 'voicemail' });
    assert.equal(decisionText({ key: '4' }), 'callee pressed 4 (always allow)');
    assert.equal(decisionText({ none: 'no-answer' }), 'callee did not answer');
  });

  it('reads the number digit by digit, and only letters and digits of a hostile caller-ID name', () => {
    assert.equal(
      announcementText('Alice Johnson', '+1 (555) 010', 'ACME Inc.', true),
      'Call for Alice Johnson from ACME Inc, plus one five five five zero one zero, who said:',
    );
    assert.equal(announcementText(undefined, 'anonymous', '', false), 'Call from a withheld number.');
    const hostile = announcementText(undefined, '123', `-o /etc/passwd; $(reboot) ${'x'.repeat(200)}`, false);
    assert.doesNotMatch(hostile, /[-/;$()]/);
    assert.ok(hostile.length < 100, hostile);
  });

  it('the config refuses an unknown announce mode or destination, by its path', () => {
    assert.throws(
      () =>
        loadConfig({
          env: {},
          overrides: { routes: { default: { unknown: 'desk', announce: 'sometimes' } } } as never,
        }),
      /routes\.default\.announce/,
    );
    assert.throws(
      () => loadConfig({ env: {}, overrides: { 'announce.noDecision': 'nowhere' } as never }),
      /announce\.noDecision.*no destination named "nowhere"/,
    );
    const c = loadConfig({ env: {}, overrides: {} as never });
    assert.equal(c.routes.default?.announce, 'never', 'nobody is announced unless asked for');
  });
});

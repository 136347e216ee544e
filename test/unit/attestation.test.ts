import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeNumber } from '../../src/match/caller-id.js';
import { attestationFrom, attestationHolds, describeAttestation } from '../../src/policy/attestation.js';
import type { CheckContext } from '../../src/policy/check.js';
import { allowlistCheck } from '../../src/policy/checks/allowlist.js';
import { runChecks } from '../../src/policy/pipeline.js';

describe('STIR/SHAKEN attestation', () => {
  it('holds only when verified at the level asked or better', () => {
    const verified = (level: 'A' | 'B' | 'C') => attestationFrom('1', 'success', level);
    assert.ok(attestationHolds(verified('A'), 'A'));
    assert.ok(attestationHolds(verified('A'), 'C'));
    assert.ok(!attestationHolds(verified('B'), 'A'));
    assert.ok(
      !attestationHolds(attestationFrom('1', 'signature_validation', 'A'), 'C'),
      'a claim is not a proof',
    );
    assert.ok(!attestationHolds(attestationFrom('0', '', ''), 'C'), 'no header');
    assert.ok(!attestationHolds(attestationFrom('', '', ''), 'C'), 'a channel without the function');
    assert.ok(!attestationHolds(attestationFrom('1', 'success', 'Z'), 'C'), 'a level that is not one');
    assert.equal(describeAttestation(verified('B')), 'verified B');
    assert.equal(describeAttestation(attestationFrom('0', '', '')), 'missing');
    assert.equal(
      describeAttestation(attestationFrom('1', 'cert_retrieval', 'A')),
      'cert_retrieval (claimed A)',
    );
  });

  it('sends an allowlisted caller on to the next step when the route asks for more than the call has', async () => {
    const ctx = (need: 'off' | 'A', result: string, level: string): CheckContext => ({
      caller: normalizeNumber('+15551234567', 'US'),
      callerName: '',
      did: '15550001000',
      route: { unknown: 'desk', blocked: 'blocked', blockAnonymous: false, allowlistAttestation: need },
      now: new Date(),
      lists: async () => ({ allow: { id: 'a', destination: 'voicemail', name: null } }),
      bypass: async () => ({ off: false, until: null }),
      flooded: () => null,
      nameRule: async () => null,
      numberRule: async () => null,
      hasDestination: () => true,
      attestation: async () => attestationFrom('1', result, level),
    });
    const run = (c: CheckContext) => runChecks([allowlistCheck], c, { timeoutMs: 500 });
    assert.equal((await run(ctx('off', 'signature_validation', ''))).verdict?.destination, 'voicemail');
    const ok = await run(ctx('A', 'success', 'A'));
    assert.equal(ok.verdict?.reason, '+15551234567 is on the allow list; STIR/SHAKEN verified A');
    const spoofed = await run(ctx('A', 'signature_validation', ''));
    assert.equal(spoofed.verdict, null);
    assert.deepEqual(
      spoofed.trace.map((t) => [t.check, t.result, t.detail]),
      [
        [
          'allowlist',
          'next',
          'allowlisted, but STIR/SHAKEN signature_validation (the route needs verified A): screened instead',
        ],
      ],
    );
  });
});

import { type AttestationLevel, attestationHolds, describeAttestation } from '../attestation.js';
import { type Check, type CheckContext, coveredBy, listVerdict } from '../check.js';
import type { CheckResult } from '../verdict.js';

/** Callers on the allow list, or covered by an allow number or name rule, go straight to their destination. */
export const allowlistCheck: Check = {
  name: 'allowlist',
  async run(ctx) {
    if (ctx.caller.anonymous) return { kind: 'next' };
    const unknown = ctx.route.unknown;
    const { allow } = await ctx.lists();
    if (allow)
      return attested(ctx, () =>
        listVerdict('allowlist', allow, unknown, `${ctx.caller.key} is on the allow list`, ctx),
      );
    const covering = await ctx.numberRule('allow');
    if (covering)
      return attested(ctx, () => listVerdict('allowlist', covering, unknown, coveredBy(covering, ctx), ctx));
    // Caller-ID names are easy to forge: an allow-by-name rule trusts whoever sends that name.
    const named = ctx.callerName ? await ctx.nameRule('allow') : null;
    if (!named) return { kind: 'next' };
    return attested(ctx, () =>
      listVerdict('allowlist', named, unknown, `caller name matches allow rule "${named.pattern}"`, ctx),
    );
  },
};

/**
 * Where the route asks for it (`allowlistAttestation`), an allowlisted caller passes only with a
 * call STIR/SHAKEN verified at that level: a spoofed allowlisted number is screened like anyone.
 */
async function attested(ctx: CheckContext, pass: () => CheckResult): Promise<CheckResult> {
  const need = ctx.route.allowlistAttestation;
  if (!need || need === 'off') return pass();
  const a = (await ctx.attestation?.()) ?? { result: 'missing', level: null };
  const verdict = pass();
  if (attestationHolds(a, need as AttestationLevel))
    return verdict.kind === 'route'
      ? { ...verdict, reason: `${verdict.reason}; STIR/SHAKEN ${describeAttestation(a)}` }
      : verdict;
  return {
    kind: 'next',
    detail: `allowlisted, but STIR/SHAKEN ${describeAttestation(a)} (the route needs verified ${need}): screened instead`,
  };
}

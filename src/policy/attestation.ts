/** What Asterisk verified of a call's STIR/SHAKEN Identity header (its `STIR_SHAKEN()` function). */
export interface Attestation {
  /** Asterisk's verification result for the first Identity header, or `missing` when none came. */
  result: string;
  /** The attestation level the signer claimed: A (full), B (partial), C (gateway). */
  level: 'A' | 'B' | 'C' | null;
}

export type AttestationLevel = 'A' | 'B' | 'C';

const RANK: Record<AttestationLevel, number> = { A: 3, B: 2, C: 1 };

/** Asterisk's word for a signature that verified. */
export const VERIFIED = 'success';

/**
 * Whether a call's attestation is good enough to let an allowlisted number straight through:
 * verified, at `need` or better. Anything else (no header, a signature that failed, a lower
 * level) and the number may be spoofed. Pure.
 */
export function attestationHolds(a: Attestation, need: AttestationLevel): boolean {
  return a.result === VERIFIED && a.level !== null && RANK[a.level] >= RANK[need];
}

/** The attestation in words for the call log: "verified A", "missing", "signature_validation (A)". */
export function describeAttestation(a: Attestation): string {
  if (a.result === VERIFIED) return `verified ${a.level ?? '(no level)'}`;
  return a.level ? `${a.result} (claimed ${a.level})` : a.result;
}

/** Reads `STIR_SHAKEN()`'s answers: count, then the first header's result and level. */
export function attestationFrom(count: string, result: string, level: string): Attestation {
  if (!(Number(count) > 0)) return { result: 'missing', level: null };
  const l = level.trim().toUpperCase();
  return {
    result: result.trim() || 'unknown',
    level: l === 'A' || l === 'B' || l === 'C' ? l : null,
  };
}

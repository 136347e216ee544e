import type { Verdict } from '../policy/verdict.js';
import type { StepFindings } from './steps/step-context.js';

/** Longest DOORMAN_HEARD, in characters: a caller's words, not their monologue. */
const HEARD_MAX = 80;

/**
 * What the dialplan is told of Doorman's decision on every call it continues, as channel
 * variables the destination can read: DOORMAN_VERDICT (the destination name), DOORMAN_CHECK
 * (the step that decided), DOORMAN_ENTRY (the directory entry asked for), DOORMAN_LABEL (the
 * PIN's label), DOORMAN_HEARD (what the caller said). Each is set, empty when it does not
 * apply, so a value left from an earlier pass through the dialplan never reads as this one's.
 */
export function dialplanVariables(
  verdict: Verdict,
  found: Pick<StepFindings, 'answer' | 'accountCode'>,
): Record<string, string> {
  const entry = found.answer?.outcome === 'match' ? (found.answer.entry ?? '') : '';
  return {
    DOORMAN_VERDICT: verdict.destination,
    DOORMAN_CHECK: verdict.check,
    DOORMAN_ENTRY: entry,
    DOORMAN_LABEL: dialplanSafe(found.accountCode ?? ''),
    DOORMAN_HEARD: dialplanSafe(found.answer?.transcript ?? '').slice(0, HEARD_MAX),
  };
}

/**
 * "[Alice Johnson] ACME INC": the caller-ID name the ringing phone shows, with whom the caller
 * asked for in front; null when they named nobody.
 */
export function callerNameWithEntry(entryName: string | undefined, callerName: string): string | null {
  if (!entryName) return null;
  return `[${dialplanSafe(entryName)}] ${dialplanSafe(callerName)}`.trim();
}

/**
 * Only what reads the same everywhere in a dialplan: letters, digits, spaces and a few marks.
 * Commas, quotes, `$`, braces, `|` and control characters would split an application's
 * arguments or start an expression where the value is used.
 */
export function dialplanSafe(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N} .'@+\-_/:()]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

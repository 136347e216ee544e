import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

export interface CallerNumber {
  /** E.164 when the number parses for the default country, else the folded raw form. */
  key: string;
  /** What the network sent, control characters removed and length capped. */
  raw: string;
  e164: boolean;
  /** No usable number: withheld, restricted, unavailable, or nothing at all. */
  anonymous: boolean;
}

const MAX_RAW = 255;
const WITHHELD =
  /^(anonymous|restricted|unavailable|unknown|private|withheld|blocked|no ?caller ?id|out of area)$/i;

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Folds a caller number to its lookup key. Pure; never throws, whatever the network sends. */
export function normalizeNumber(raw: string, defaultCountry: string): CallerNumber {
  const clean = (raw ?? '').replace(CONTROL, '').trim().slice(0, MAX_RAW);
  const digits = clean.replace(/[^0-9+]/g, '');
  if (!digits.replace(/\+/g, '') || WITHHELD.test(clean)) {
    return { key: clean.toLowerCase() || 'anonymous', raw: clean, e164: false, anonymous: true };
  }
  const parsed =
    digits.length <= 20 ? parsePhoneNumberFromString(digits, defaultCountry as CountryCode) : undefined;
  if (parsed?.isPossible()) return { key: parsed.number, raw: clean, e164: true, anonymous: false };
  // Short codes, internal extensions, garbage: keep the digits so the same caller matches again.
  return { key: digits.slice(0, 64), raw: clean, e164: false, anonymous: false };
}

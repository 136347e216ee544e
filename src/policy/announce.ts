import type { AnnounceMode } from '../config/sections/announce.js';
import type { Verdict } from './verdict.js';

/**
 * Announced calls, as policy: whether a verdict's caller is first put to the person asked for,
 * what they are told, and what each key (or none) does with the caller. No I/O here: the call
 * (calls/announced-call.ts) rings, plays and listens.
 */

/** What the callee can do, by key. */
export const CALLEE_KEYS = {
  '1': 'accept',
  '2': 'voicemail',
  '3': 'block',
  '4': 'always-allow',
  '5': 'not-for-me',
} as const;
export type CalleeKey = keyof typeof CALLEE_KEYS;
export type CalleeChoice = (typeof CALLEE_KEYS)[CalleeKey];

export const isCalleeKey = (digit: string): digit is CalleeKey => Object.hasOwn(CALLEE_KEYS, digit);

/** How an announcement ended without a key. */
export type NoDecision = 'no-key' | 'no-answer' | 'hung-up' | 'failed';

export type CalleeDecision = { key: CalleeKey } | { none: NoDecision };

/** The evidence a verdict came with that decides `when-unsure`, and who let an allowlisted caller in. */
export interface AnnounceFacts {
  /** The settings in force, most specific first: the directory entry's, the destination's, the route's. */
  modes: ReadonlyArray<AnnounceMode | undefined>;
  /** The challenge's verdict sends the caller to the entry they named (not to unknown, machines...). */
  named: boolean;
  /** The challenge's answer was confirmed or chosen by key, or left unchecked under load. */
  unsure: boolean;
  /** An allowlisted caller: the entry's source (`phone`: a person said "always allow"). */
  allowSource?: string;
}

/** Sources of allowlist entries a person chose, which even `always` puts straight through. */
const PEOPLE_CHOSE = new Set(['phone', 'manual', 'api', 'import', 'contacts']);

/**
 * Whether the caller of `verdict` is announced. Only callers on their way to someone (the
 * challenge's match, the allowlist) are; blocked callers, machines and unknown callers are not.
 */
export function shouldAnnounce(verdict: Verdict, facts: AnnounceFacts): boolean {
  if (verdict.check !== 'challenge' && verdict.check !== 'allowlist') return false;
  const mode = facts.modes.find((m) => m !== undefined) ?? 'never';
  if (mode === 'never') return false;
  if (verdict.check === 'allowlist') {
    // when-unsure: an allowlisted caller is not in doubt.
    return mode === 'always' && !PEOPLE_CHOSE.has(facts.allowSource ?? '');
  }
  return facts.named && (mode === 'always' || facts.unsure);
}

/** Where the caller goes and what the lists learn, for each way an announcement ends. */
export type AnnounceOutcome =
  | { kind: 'connect'; allow: { source: 'screened' | 'phone'; note: string } }
  | { kind: 'route'; destination: string; block?: { note: string } }
  | { kind: 'ask-again' };

export interface AnnounceTargets {
  /** The entry's own voicemail, else `announce.voicemail`. */
  voicemail: string;
  /** The route's `blocked`. */
  blocked: string;
  /** `announce.noDecision`. */
  noDecision: string;
  /** The route's `unknown`: a caller who was "not for me" twice. */
  unknown: string;
  /** The caller was already asked again after a "not for me". */
  askedAgain: boolean;
}

export function announceOutcome(d: CalleeDecision, t: AnnounceTargets): AnnounceOutcome {
  if ('none' in d) return { kind: 'route', destination: t.noDecision };
  switch (CALLEE_KEYS[d.key]) {
    case 'accept':
      return { kind: 'connect', allow: { source: 'screened', note: 'accepted by the callee' } };
    case 'always-allow':
      return { kind: 'connect', allow: { source: 'phone', note: 'always allowed by the callee' } };
    case 'voicemail':
      return { kind: 'route', destination: t.voicemail };
    case 'block':
      return { kind: 'route', destination: t.blocked, block: { note: 'blocked by the callee' } };
    case 'not-for-me':
      return t.askedAgain ? { kind: 'route', destination: t.unknown } : { kind: 'ask-again' };
  }
}

/** The callee's choice as the screening log shows it. */
export function decisionText(d: CalleeDecision): string {
  if ('key' in d) return `callee pressed ${d.key} (${CALLEE_KEYS[d.key].replace(/-/g, ' ')})`;
  return {
    'no-key': 'callee pressed no key',
    'no-answer': 'callee did not answer',
    'hung-up': 'callee hung up',
    failed: 'could not reach the callee',
  }[d.none];
}

const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/**
 * What the callee is told before the caller's own words (`said`: there is a recording of
 * them): whom the call is for, and from which caller-ID name and number (digit by digit). The
 * caller-ID name is the caller's to set: only letters, digits and spaces of it are read, and
 * no more than 40 characters.
 */
export function announcementText(
  askedFor: string | undefined,
  number: string,
  callerName: string,
  said: boolean,
): string {
  const digits = number
    .replace(/[^0-9+]/g, '')
    .split('')
    .map((c) => (c === '+' ? 'plus' : DIGIT_WORDS[Number(c)]))
    .join(' ');
  const name = callerName
    .replace(/[^\p{L}\p{N} ]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 40);
  const from = [name, digits || 'a withheld number'].filter(Boolean).join(', ');
  return `Call ${askedFor ? `for ${askedFor} ` : ''}from ${from}${said ? ', who said:' : '.'}`;
}

export const CALLEE_OPTIONS_TEXT =
  'Press 1 to answer, 2 for voicemail, 3 to block, 4 to always allow, 5 if not for you.';

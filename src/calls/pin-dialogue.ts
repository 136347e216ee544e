import type { CallChannel } from './call-channel.js';
import { DigitEntry, type DigitEntryRules, type EntryEnd } from './digit-entry.js';

export interface PinDialogueRules extends DigitEntryRules {
  /** Entries the caller gets, wrong or empty. */
  attempts: number;
  prompt: string;
  /** Played after a wrong PIN, instead of the prompt ("That PIN is not valid. Try again."). */
  wrongPrompt: string;
}

/** What the PIN dialogue needs of the caller's channel: prompts and keys. */
export type PinChannel = Pick<CallChannel, 'playSound' | 'keys' | 'signal'>;

export type PinOutcome<T> =
  | { kind: 'accepted'; value: T; attempts: number }
  /** Wrong PINs used up every attempt, or reached the lockout. */
  | { kind: 'rejected'; attempts: number; wrong: number; locked: boolean }
  /** The caller entered nothing, every time. */
  | { kind: 'no-input'; attempts: number };

export interface PinJudge<T> {
  /** The value a right PIN stands for (its label), or null for a wrong one. */
  verify(digits: string): Promise<T | null>;
  /** Counts a wrong PIN; true when the caller is now locked out. */
  wrong(): Promise<boolean>;
}

/**
 * Prompt, collect, verify, and again after a wrong or empty entry, up to the attempts allowed.
 * The digits never leave this function except into `verify`: nothing here logs them.
 */
export async function askForPin<T>(
  ch: PinChannel,
  rules: PinDialogueRules,
  judge: PinJudge<T>,
  onEntry?: (end: EntryEnd, attempt: number) => void,
): Promise<PinOutcome<T>> {
  let wrong = 0;
  let prompt = rules.prompt;
  for (let attempt = 1; attempt <= rules.attempts; attempt++) {
    const entry = new DigitEntry(rules);
    const keys = ch.keys();
    // The stream throws when the call ends: the entry ends with it.
    (async () => {
      for await (const digit of keys) entry.push(digit);
    })().catch(() => entry.cancel());
    let digits: string;
    let end: EntryEnd;
    try {
      await ch.playSound(prompt, entry.firstKeyPressed);
      entry.start();
      ({ digits, end } = await entry.result);
    } finally {
      entry.cancel();
      keys.close();
    }
    ch.signal.throwIfAborted();
    onEntry?.(end, attempt);
    if (end === 'no-input') {
      prompt = rules.prompt;
      continue;
    }
    const value = await judge.verify(digits);
    if (value !== null) return { kind: 'accepted', value, attempts: attempt };
    wrong++;
    if (await judge.wrong()) return { kind: 'rejected', attempts: attempt, wrong, locked: true };
    prompt = rules.wrongPrompt;
  }
  return wrong > 0
    ? { kind: 'rejected', attempts: rules.attempts, wrong, locked: false }
    : { kind: 'no-input', attempts: rules.attempts };
}

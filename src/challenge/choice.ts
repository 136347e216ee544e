import { CHOICES_OFFERED } from '../match/decide.js';
import type { DirectoryEntry } from '../match/directory.js';

export interface ChoiceOption {
  id: string;
  /** The key that chooses it: "1" for the first. */
  digit: string;
  name: string;
}

/** The entries an ambiguous answer could not tell apart, as the caller is offered them. Pure. */
export function choiceOptions(
  contenders: readonly string[],
  entries: readonly DirectoryEntry[],
): ChoiceOption[] {
  return contenders.slice(0, CHOICES_OFFERED).map((id, i) => ({
    id,
    digit: String(i + 1),
    name: entries.find((e) => e.id === id)?.name ?? id,
  }));
}

/** "Did you mean Ann Lee? Press 1. Or Anne Leigh? Press 2." */
export const choicePrompt = (options: readonly ChoiceOption[]): string =>
  `Did you mean ${options.map((o) => `${o.name}? Press ${o.digit}.`).join(' Or ')}`;

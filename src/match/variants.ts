import type { DirectoryEntry } from './directory.js';
import type { Phrases } from './phrases.js';

export interface SpokenVariant {
  /** As the directory spells it ("Margaret Thompson", "doctor Raghunathan"). */
  text: string;
  /** 1 for a full name, alias or title + surname; less for a first or last name alone. */
  weight: number;
}

export const PARTIAL_WEIGHT = 0.96;

/**
 * Every way a caller may ask for an entry: its name, aliases, sounds-like spellings, and for
 * people the first name, the surname, each title + surname, and the usual nicknames of the first
 * name (alone and with the surname) when the directory lists none of its own. The recogniser's
 * grammar and the matcher both use this list, so what can be heard is exactly what can be matched.
 */
export function spokenVariants(e: DirectoryEntry, phrases: Phrases): SpokenVariant[] {
  const out: SpokenVariant[] = [];
  const seen = new Set<string>();
  const add = (text: string, weight: number) => {
    const key = text.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ text, weight });
  };
  for (const full of [e.name, ...e.aliases, ...e.sounds_like]) add(full, 1);
  if (e.type === 'person') {
    const titles = Object.values(phrases.honorifics).flat();
    for (const full of [e.name, ...e.sounds_like]) {
      const parts = full.split(/\s+/).filter(Boolean);
      if (parts.length < 2) continue;
      const first = parts[0] as string;
      const last = parts[parts.length - 1] as string;
      add(first, PARTIAL_WEIGHT);
      add(last, PARTIAL_WEIGHT);
      for (const t of titles) add(`${t} ${last}`, 1);
    }
    // An admin who lists aliases has said how this person is asked for.
    const parts = e.name.split(/\s+/).filter(Boolean);
    if (!e.aliases.length && parts.length >= 2) {
      const last = parts[parts.length - 1] as string;
      for (const nick of nicknamesOf(parts[0] as string, phrases)) {
        add(nick, PARTIAL_WEIGHT);
        add(`${nick} ${last}`, 1);
      }
    }
  }
  return out;
}

/** grammars/phrases.yaml's nicknames of a first name ("william": bill, will, billy, liam). */
function nicknamesOf(first: string, phrases: Phrases): string[] {
  return Object.hasOwn(phrases.nicknames, first.toLowerCase())
    ? (phrases.nicknames[first.toLowerCase()] ?? [])
    : [];
}

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { announceMode } from '../config/sections/announce.js';
import { DoormanError } from '../errors.js';
import { NAME_LANGUAGE, NAME_LANGUAGE_HINT } from './name-origin.js';

/**
 * The most entries a directory holds. The recogniser searches every name on every answer: at
 * 2,500 one core spends a second per second of speech (bench/directory), so a call could no
 * longer be decided in time, and loading 8,000 took two minutes, every recognition thread busy.
 */
export const MAX_DIRECTORY_ENTRIES = 2_500;
/** Aliases, or sounds-like spellings, of one entry: each is a path through the grammar. */
const MAX_SPELLINGS = 20;

export const directoryEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case slug (letters, digits, -)'),
    type: z.enum(['person', 'department']),
    name: z.string().trim().min(1).max(200),
    aliases: z.array(z.string().trim().min(1).max(200)).max(MAX_SPELLINGS).default([]),
    /** Respellings of how callers say the name, for names the recogniser's dictionary lacks. */
    sounds_like: z.array(z.string().trim().min(1).max(200)).max(MAX_SPELLINGS).default([]),
    /**
     * Languages callers read this name in, beside English (`speech.soundswallower.nameLanguages` for one
     * entry): Thu Tran as Vietnamese says it, where the spelling alone does not show it.
     */
    languages: z.array(z.string().trim().regex(NAME_LANGUAGE, NAME_LANGUAGE_HINT)).max(10).optional(),
    destination: z.string().min(1),
    /** Where an announced caller goes when this person presses 2 (`announce.voicemail` when not set). */
    voicemail: z.string().min(1).optional(),
    /** Announce callers who ask for this entry (`routes.<name>.announce`, which it overrides). */
    announce: announceMode.optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

export type DirectoryEntry = z.infer<typeof directoryEntrySchema>;

const directorySchema = z
  .object({ version: z.literal(1).default(1), entries: z.array(directoryEntrySchema) })
  .strict();

export class DirectoryError extends DoormanError {
  constructor(problem: string, source: string) {
    super('DIRECTORY_INVALID', `${source}: ${problem}`, { source });
  }
}

export const tooMany = (n: number) =>
  `${n.toLocaleString('en')} entries: a directory holds at most ${MAX_DIRECTORY_ENTRIES.toLocaleString('en')}, as many as the recogniser can search while a caller waits`;

/** Reads a directory in its YAML exchange format; errors name the entry and field. */
export function parseDirectory(text: string, source = 'directory'): DirectoryEntry[] {
  // Counted before parsing: 2 MB of YAML takes the event loop seconds to parse, calls waiting.
  const ids = text.match(/(?:^|[\s{,])id\s*:/gm)?.length ?? 0;
  if (ids > MAX_DIRECTORY_ENTRIES) throw new DirectoryError(tooMany(ids), source);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new DirectoryError(`not valid YAML: ${(e as Error).message.split('\n')[0]}`, source);
  }
  const listed = (doc as { entries?: unknown } | null)?.entries;
  if (Array.isArray(listed) && listed.length > MAX_DIRECTORY_ENTRIES)
    throw new DirectoryError(tooMany(listed.length), source);
  const r = directorySchema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0] as z.core.$ZodIssue;
    const [, index, field] = issue.path;
    const where =
      typeof index === 'number'
        ? `entry ${index + 1}${(doc as { entries?: Array<{ id?: unknown }> })?.entries?.[index]?.id ? ` (${String((doc as { entries: Array<{ id?: unknown }> }).entries[index]?.id)})` : ''}${field ? ` ${String(field)}` : ''}`
        : issue.path.join('.') || 'top level';
    throw new DirectoryError(`${where}: ${issue.message}`, source);
  }
  const seen = new Set<string>();
  for (const e of r.data.entries) {
    if (seen.has(e.id)) throw new DirectoryError(`entry id ${e.id} appears twice`, source);
    seen.add(e.id);
  }
  return r.data.entries;
}

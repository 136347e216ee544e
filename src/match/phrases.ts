import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DoormanError } from '../errors.js';

const phrase = z.string().trim().min(1).max(100);

export const phrasesSchema = z
  .object({
    carriers: z.array(phrase).default([]),
    closers: z.array(phrase).default([]),
    openers: z.array(phrase).default([]),
    fillers: z.array(phrase).default([]),
    honorifics: z.record(z.string(), z.array(phrase)).default({}),
    nicknames: z.record(z.string(), z.array(phrase)).default({}),
    nobody: z.array(phrase).default([]),
  })
  .strict();

/** The words around names (grammars/phrases.yaml): what callers say besides the name itself. */
export type Phrases = z.infer<typeof phrasesSchema>;

export function parsePhrases(text: string, source = 'phrases'): Phrases {
  const r = phrasesSchema.safeParse(parseYaml(text) ?? {});
  if (!r.success) {
    const issue = r.error.issues[0] as z.core.$ZodIssue;
    throw new DoormanError('PHRASES_INVALID', `${source}: ${issue.path.join('.')}: ${issue.message}`, {
      source,
    });
  }
  return r.data;
}

import { z } from 'zod';
import { parseYamlAs } from '../util/yaml-file.js';

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
  return parseYamlAs(phrasesSchema, text, source, 'PHRASES_INVALID');
}

import { z } from 'zod';
import type { DirectoryEntry } from '../match/directory.js';
import type { Phrases } from '../match/phrases.js';
import { parseYamlAs } from '../util/yaml-file.js';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const TODAY = '{weekday}';

const word = z
  .string()
  .trim()
  .regex(/^[a-z][a-z' ]*$/, 'lower-case words only');

const questionSchema = z
  .object({
    ask: z.string().trim().min(3).max(200),
    choices: z.array(word).min(2).max(50),
    answer: z.string().trim(),
  })
  .strict()
  .superRefine((q, ctx) => {
    const missing = q.answer === TODAY ? WEEKDAYS.filter((d) => !q.choices.includes(d)) : [];
    if (q.answer !== TODAY && !q.choices.includes(q.answer))
      ctx.addIssue({ code: 'custom', path: ['answer'], message: `"${q.answer}" is not one of the choices` });
    if (missing.length)
      ctx.addIssue({ code: 'custom', path: ['choices'], message: `${TODAY} needs ${missing.join(', ')}` });
  });

const questionsSchema = z
  .object({
    carriers: z.array(z.string().trim().min(1).max(100)).default([]),
    questions: z.array(questionSchema).min(1),
  })
  .strict();

export type Question = z.infer<typeof questionSchema>;
export type Questions = z.infer<typeof questionsSchema>;

/** grammars/questions.yaml: the second question's questions, their choices and right answers. */
export function parseQuestions(text: string, source = 'questions'): Questions {
  return parseYamlAs(questionsSchema, text, source, 'QUESTIONS_INVALID');
}

/** The right answer to a question asked at `now` (local time: the PBX's day). */
export function expectedAnswer(q: Question, now: Date): string {
  return q.answer === TODAY ? (WEEKDAYS[now.getDay()] as string) : q.answer;
}

/** A question's choices as a directory the recogniser and matcher know: one entry per choice. */
export function choiceEntries(q: Question): DirectoryEntry[] {
  return q.choices.map((c) => ({
    id: c,
    type: 'department',
    name: c,
    aliases: [],
    sounds_like: [],
    destination: '',
    enabled: true,
  }));
}

/** The words around an answer: the questions' carriers, and the directory's fillers and closers. */
export function answerPhrases(questions: Questions, phrases: Phrases): Phrases {
  return {
    carriers: questions.carriers,
    closers: phrases.closers,
    openers: [],
    fillers: phrases.fillers,
    honorifics: {},
    nobody: [],
    nicknames: {},
  };
}

/** The engine's grammar name for question `index`. */
export const questionGrammar = (index: number): string => `question-${index}`;

/** Whether the choice heard (the entry a clear answer matched; null for any other outcome) is right. */
export function answeredRight(q: Question, heard: string | null, now: Date): boolean {
  return heard !== null && heard === expectedAnswer(q, now);
}

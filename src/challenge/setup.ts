import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { DoormanError } from '../errors.js';
import { type DirectoryEntry, parseDirectory } from '../match/directory.js';
import { DirectoryMatcher } from '../match/matcher.js';
import { type Phrases, parsePhrases } from '../match/phrases.js';
import type { Lexicon } from '../match/pronunciation.js';
import { packagePath } from '../paths.js';
import type { SpeechEngine } from '../speech/engine.js';
import { createSpeechEngine } from '../speech/factory.js';
import type { AnswerDeps } from './answer.js';
import { answerPhrases, choiceEntries, parseQuestions, type Question, questionGrammar } from './questions.js';

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new DoormanError(
      'FILE_UNREADABLE',
      `cannot read the ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`,
      {
        file,
      },
    );
  }
}

export function loadPhrases(config: Config): Phrases {
  const file = config.speech.phrasesFile || packagePath('grammars/phrases.yaml');
  return parsePhrases(readText(file, 'phrases file'), file);
}

export function loadQuestions(config: Config) {
  const file = config.speech.questionsFile || packagePath('grammars/questions.yaml');
  return parseQuestions(readText(file, 'questions file'), file);
}

export function loadDirectoryFile(file: string): DirectoryEntry[] {
  return parseDirectory(readText(file, 'directory'), file);
}

export const directoryFile = (config: Config): string =>
  config.directory.file || packagePath('grammars/directory.yaml');

export interface Challenge {
  /** Replaced as a whole when the directory changes: a call reads it once per answer. */
  deps: AnswerDeps;
  engine: SpeechEngine;
  entries: DirectoryEntry[];
  /** Entries that end (expected-caller passes), by id: when. A caller who names one is allowlisted until then. */
  expires: ReadonlyMap<string, string>;
  /** The second question's questions, each with what it takes to hear its answer (empty when off). */
  questions: Array<{ question: Question; deps: AnswerDeps }>;
  /** Rebuilds grammar, matcher and hints for another directory; calls already listening finish on the old. */
  reload(entries: DirectoryEntry[], expires?: ReadonlyMap<string, string>): Promise<void>;
}

/** The speech challenge's parts for one directory: engine (with its grammar), matcher, policy. */
export async function createChallenge(
  config: Config,
  entries: DirectoryEntry[],
  logger: Logger,
  /** Puts something between the challenge and its engine (fault injection in tests). */
  wrapEngine: (engine: SpeechEngine) => SpeechEngine = (e) => e,
): Promise<Challenge> {
  const phrases = loadPhrases(config);
  const created = await createSpeechEngine(config, logger);
  // The real engine's grammars, never a wrapper's: what it offers is the engine's to build.
  const grammar = created.engine.capabilities.grammar;
  // Each matcher reads the pronunciations its grammar was built with (a snapshot); an engine
  // without a grammar has the one lexicon.
  const built = async (list: readonly DirectoryEntry[], around: Phrases, name?: string): Promise<Lexicon> =>
    grammar ? (await grammar.setDirectory(list, around, name)).lexicon : created.lexicon;
  const lexicon = await built(entries, phrases);
  const engine = wrapEngine(created.engine);
  const depsFor = (
    list: DirectoryEntry[],
    around: Phrases,
    known: Lexicon,
    passes?: ReadonlySet<string>,
  ): AnswerDeps => ({
    engine,
    matcher: new DirectoryMatcher(list, around, known, passes),
    policy: config.challenge,
    listen: config.listen,
    finalTimeoutMs: config.speech.finalTimeoutMs,
    hints: list.filter((e) => e.enabled).flatMap((e) => [e.name, ...e.aliases]),
  });
  const questions = config.challenge.secondQuestion ? loadQuestions(config) : null;
  const forAnswers = questions ? answerPhrases(questions, phrases) : phrases;
  const asked: Challenge['questions'] = [];
  // One after another: each builds on the pronunciations of the one before.
  for (const [i, question] of (questions?.questions ?? []).entries()) {
    const choices = choiceEntries(question);
    const known = await built(choices, forAnswers, questionGrammar(i));
    asked.push({
      question,
      deps: {
        ...depsFor(choices, forAnswers, known),
        grammar: questionGrammar(i),
        // Nobody is asked to choose between a question's answers or to confirm one: the phones'
        // second opinion would only turn right answers into wrong ones. Every answer is one
        // word ("monday"), and is never asked for again as a full name.
        policy: {
          ...config.challenge,
          phoneMargin: 1,
          confirmUnchecked: false,
          oneWordNameFit: -1000,
          askedNameFit: -1000,
          fullNameSound: 0,
          // A weekday is a word or two, and a caller thinking it over says it slowly.
          unexplainedSpeechMs: 0,
          unexplainedPhones: 0,
        },
      },
    });
  }
  const challenge: Challenge = {
    engine,
    entries,
    expires: new Map(),
    questions: asked,
    deps: depsFor(entries, phrases, lexicon),
    async reload(next, expires = new Map()) {
      // The grammar first: a matcher that knows a name the recogniser cannot hear is no use.
      const known = await built(next, phrases);
      // Passes are the entries that end.
      challenge.deps = depsFor(next, phrases, known, new Set(expires.keys()));
      challenge.entries = next;
      challenge.expires = expires;
    },
  };
  return challenge;
}

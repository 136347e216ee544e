import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { DoormanError } from '../errors.js';
import { type DirectoryEntry, parseDirectory } from '../match/directory.js';
import { DirectoryMatcher } from '../match/matcher.js';
import { type Phrases, parsePhrases } from '../match/phrases.js';
import { packagePath } from '../paths.js';
import { SoundSwallowerEngine } from '../speech/soundswallower-engine.js';
import type { AnswerDeps } from './answer.js';

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

export function loadDirectoryFile(file: string): DirectoryEntry[] {
  return parseDirectory(readText(file, 'directory'), file);
}

export const directoryFile = (config: Config): string =>
  config.directory.file || packagePath('grammars/directory.yaml');

export interface Challenge {
  deps: AnswerDeps;
  engine: SoundSwallowerEngine;
  entries: DirectoryEntry[];
}

/** The speech challenge's parts for one directory: engine with its grammar, matcher, policy. */
export async function createChallenge(
  config: Config,
  entries: DirectoryEntry[],
  logger: Logger,
): Promise<Challenge> {
  const phrases = loadPhrases(config);
  const engine = await SoundSwallowerEngine.create({
    logger,
    poolSize: config.speech.poolSize,
    beam: config.speech.beam,
  });
  await engine.setDirectory(entries, phrases);
  const matcher = new DirectoryMatcher(entries, phrases, engine.lexicon);
  const hints = entries.filter((e) => e.enabled).flatMap((e) => [e.name, ...e.aliases]);
  return {
    engine,
    entries,
    deps: {
      engine,
      matcher,
      policy: config.challenge,
      listen: config.listen,
      finalTimeoutMs: config.speech.finalTimeoutMs,
      hints,
    },
  };
}

import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Lexicon } from '../match/pronunciation.js';
import { CmuLexicon } from './cmu-lexicon.js';
import type { SpeechEngine } from './engine.js';
import { GoogleSpeechEngine } from './google-engine.js';
import { SOUNDSWALLOWER_DICT, SoundSwallowerEngine } from './soundswallower-engine.js';

export interface CreatedSpeechEngine {
  /** Without a grammar yet: one with `capabilities.grammar` needs its grammar built before a stream opens. */
  engine: SpeechEngine;
  /**
   * The pronunciations a matcher compares names with where the engine builds no grammar; an
   * engine that does hands each grammar's own snapshot back from `setDirectory`.
   */
  lexicon: Lexicon;
}

/** The speech engine the configuration names (the only place that knows the engines themselves). */
export async function createSpeechEngine(config: Config, logger: Logger): Promise<CreatedSpeechEngine> {
  const speech = config.speech;
  if (speech.engine === 'google') {
    const g = speech.google;
    const engine = new GoogleSpeechEngine({
      logger,
      model: g.model,
      boost: g.boost,
      client: {
        ...(g.keyFile ? { keyFilename: g.keyFile } : {}),
        ...(g.apiEndpoint ? { apiEndpoint: g.apiEndpoint } : {}),
      },
    });
    // The matcher still compares pronunciations; the embedded model's dictionary has them.
    return { engine, lexicon: CmuLexicon.fromFile(SOUNDSWALLOWER_DICT) };
  }
  const engine = await SoundSwallowerEngine.create({ logger, ...speech.soundswallower });
  return { engine, lexicon: engine.lexicon };
}

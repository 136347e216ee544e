import { join } from 'node:path';
import { CmuLexicon } from '../../src/speech/cmu-lexicon.js';

let shared: CmuLexicon | undefined;
/** The dictionary the embedded recogniser uses (from its npm package), loaded once per test file. */
export function modelLexicon(): CmuLexicon {
  shared ??= CmuLexicon.fromFile(join('node_modules', 'soundswallower', 'model', 'en-us', 'dict.txt'));
  return shared;
}

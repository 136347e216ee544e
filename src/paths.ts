import { fileURLToPath } from 'node:url';

/** A file shipped with Doorman (grammars/, prompts/), found from src/ and dist/ alike. */
export const packagePath = (relative: string): string =>
  fileURLToPath(new URL(`../${relative}`, import.meta.url));

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How tests run the `doorman` command: the build (`npm run build`, which scripts/test.sh runs
 * first), not the sources through tsx, which costs about two seconds a start. A build older
 * than the sources would test old code, so that is an error, not a fallback.
 */
export const CLI = 'dist/cli/main.js';

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

let checked = false;

/** The arguments to give `node` for `doorman ...args`. */
export function cliArgs(...args: string[]): string[] {
  if (!checked) {
    let built = 0;
    try {
      built = statSync(CLI).mtimeMs;
    } catch {}
    if (built < newestSource('src'))
      throw new Error(`${CLI} is missing or older than src/: run npm run build`);
    checked = true;
  }
  return [CLI, ...args];
}

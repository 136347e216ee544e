/**
 * Keys that moved, old path to new. A file, env var or `--set` using an old path keeps working
 * for one release, with a warning naming the new key; then the entry goes and the old key is
 * an unknown key like any other.
 */
export const MOVED_KEYS: Readonly<Record<string, string>> = Object.fromEntries(
  [
    'threads',
    'phoneLoop',
    'phoneLoopMaxStreams',
    'poolSize',
    'nameLanguages',
    'denoise',
    'denoiseMaxStreams',
    'shedLagMs',
    'busyMaxHmms',
    'beam',
  ].map((k) => [`speech.${k}`, `speech.soundswallower.${k}`]),
);

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { upsampleWhole } from '../audio/resample.js';
import { parseWav } from '../audio/wav.js';
import { packagePath } from '../paths.js';

const cache = new Map<string, Promise<Int16Array | null>>();

/**
 * Doorman's own prompt for an Asterisk sound name (`doorman/who-to-speak-to` is
 * prompts/who-to-speak-to.wav) as 16 kHz samples for the media socket; null for a sound only
 * Asterisk has (a FreePBX recording, say), which must be played by Asterisk instead.
 */
export function mediaPrompt(sound: string): Promise<Int16Array | null> {
  let p = cache.get(sound);
  if (!p) {
    p = load(sound);
    cache.set(sound, p);
  }
  return p;
}

async function load(sound: string): Promise<Int16Array | null> {
  const m = /^doorman\/([a-z0-9-]+)$/.exec(sound);
  const file = m ? packagePath(`prompts/${m[1]}.wav`) : null;
  if (!file || !existsSync(file)) return null;
  try {
    return wav16k(await readFile(file));
  } catch {
    return null; // unreadable: Asterisk plays its own copy
  }
}

/** An 8 or 16 kHz WAV as 16 kHz samples for the media socket; null at any other rate. Throws on a broken file. */
export function wav16k(bytes: Buffer): Int16Array | null {
  const wav = parseWav(bytes);
  if (wav.sampleRate === 16_000) return wav.samples;
  return wav.sampleRate === 8_000 ? upsampleWhole(wav.samples, 2) : null;
}

import type { Config } from '../config/schema.js';
import { espeakReads } from '../speech/espeak-phones.js';
import type { Finding } from './doctor.js';

/**
 * The embedded recogniser reads names by espeak-ng's rules (names the dictionary lacks, other
 * languages' readings): without it those names cannot be said, and a language it does not read
 * silently adds nothing.
 */
export async function checkNameLanguages(config: Config, out: Finding[]): Promise<void> {
  const languages = config.speech.soundswallower.nameLanguages;
  const read = await Promise.all(languages.map((l) => espeakReads(l)));
  if ((await espeakReads('en')) === null) {
    out.push({
      check: 'name languages',
      ok: false,
      detail: 'espeak-ng cannot be run: names the dictionary lacks get no pronunciation',
      fix: 'install espeak-ng (Debian: apt install espeak-ng)',
    });
    return;
  }
  const unknown = languages.filter((_, i) => read[i] === false);
  const fix =
    'take them out of speech.soundswallower.nameLanguages, or use a code `espeak-ng --voices` lists';
  out.push({
    check: 'name languages',
    ok: !unknown.length,
    detail: unknown.length
      ? `espeak-ng has no language ${unknown.map((l) => `"${l}"`).join(', ')} (speech.soundswallower.nameLanguages)`
      : `espeak-ng reads ${languages.join(', ') || 'English only'}`,
    ...(unknown.length ? { fix } : {}),
  });
}

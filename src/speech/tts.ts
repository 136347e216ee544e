import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWav } from '../audio/wav.js';
import { DoormanError } from '../errors.js';

const cache = new Map<string, Promise<Int16Array>>();

/**
 * Speech for prompts that name directory entries ("Alice Johnson, press 1"), made with Debian's
 * flite (voice slt, 16 kHz, the media socket's slin16). Cached per text.
 */
export function speak(text: string, timeoutMs = 5_000): Promise<Int16Array> {
  let p = cache.get(text);
  if (!p) {
    p = synthesize(text, timeoutMs);
    p.catch(() => cache.delete(text));
    cache.set(text, p);
  }
  return p;
}

async function synthesize(text: string, timeoutMs: number): Promise<Int16Array> {
  const dir = await mkdtemp(join(tmpdir(), 'doorman-tts-'));
  const out = join(dir, 'say.wav');
  try {
    await new Promise<void>((resolve, reject) => {
      execFile('flite', ['-voice', 'slt', '-t', text, '-o', out], { timeout: timeoutMs }, (e) =>
        e ? reject(new DoormanError('TTS_FAILED', `flite: ${e.message}`, { text })) : resolve(),
      );
    });
    const pcm = parseWav(await readFile(out));
    if (pcm.sampleRate !== 16_000)
      throw new DoormanError('TTS_RATE', `flite gave ${pcm.sampleRate} Hz, not 16 kHz`);
    return pcm.samples;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { encodeWav, type Pcm16 } from '../audio/wav.js';

/** Where callers' recorded answers are kept: `<dir>/<YYYY-MM-DD>/<channel id>.wav`. */
export class RecordingStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  async save(channelId: string, pcm: Pcm16, when = new Date()): Promise<string> {
    const day = when.toISOString().slice(0, 10);
    // Channel ids come from Asterisk or a remote originator: never let one name a path.
    const name = channelId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
    const folder = join(this.dir, day);
    await mkdir(folder, { recursive: true });
    const file = join(folder, `${name}.wav`);
    await writeFile(file, encodeWav(pcm));
    return file;
  }
}

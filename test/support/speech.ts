import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Endpointer } from '../../src/audio/endpointer.js';
import { parseWav } from '../../src/audio/wav.js';
import type { Config } from '../../src/config/schema.js';

const DIR = join(tmpdir(), 'doorman-test-speech');

/** Says `text` with Debian's flite into an 8 kHz mono WAV (cached by name). */
export function speechWav(name: string, text: string, voice = 'rms'): string {
  mkdirSync(DIR, { recursive: true });
  const out = join(DIR, `${name}.wav`);
  if (!existsSync(out)) {
    const raw = join(DIR, `${name}.raw.wav`);
    execFileSync('flite', ['-voice', voice, '-t', text, '-o', raw]);
    execFileSync('sox', [raw, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', out]);
  }
  return out;
}

/** Speech span of a WAV file, measured the way Doorman measures a live answer. */
export function speechSpanMs(file: string, listen: Config['listen']): number {
  const pcm = parseWav(readFileSync(file));
  const ep = new Endpointer({ sampleRate: pcm.sampleRate, ...listen });
  ep.push(pcm.samples);
  const end = ep.finish();
  if (end.speechStartMs === null || end.speechEndMs === null) throw new Error(`${file}: no speech found`);
  return end.speechEndMs - end.speechStartMs;
}

/** Parts said one after another (a number is that many seconds of silence), as one 8 kHz WAV. */
export function saidInTurn(name: string, parts: Array<string | number>): string {
  mkdirSync(DIR, { recursive: true });
  const out = join(DIR, `${name}.wav`);
  if (!existsSync(out)) {
    const files = parts.map((p, i) => {
      if (typeof p === 'string') return p;
      const gap = join(DIR, `${name}.gap${i}.wav`);
      execFileSync('sox', [
        '-n',
        '-r',
        '8000',
        '-c',
        '1',
        '-b',
        '16',
        '-e',
        'signed-integer',
        gap,
        'trim',
        '0',
        String(p),
      ]);
      return gap;
    });
    execFileSync('sox', [...files, out]);
  }
  return out;
}

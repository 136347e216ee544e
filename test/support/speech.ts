import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Endpointer } from '../../src/audio/endpointer.js';
import { parseWav } from '../../src/audio/wav.js';
import type { Config } from '../../src/config/schema.js';

const DIR = join(tmpdir(), 'doorman-test-speech');

/**
 * Test files running at once (the unit and integration suites side by side) make the same
 * file: each writes its own copy and renames it into place, so none reads another's half-written one.
 */
const partial = (out: string) => `${out}.${process.pid}.wav`;
const done = (out: string) => renameSync(partial(out), out);

/** Says `text` with Debian's flite into an 8 kHz mono WAV (cached by name). */
export function speechWav(name: string, text: string, voice = 'rms'): string {
  mkdirSync(DIR, { recursive: true });
  const out = join(DIR, `${name}.wav`);
  if (!existsSync(out)) {
    const raw = join(DIR, `${name}.${process.pid}.raw.wav`);
    execFileSync('flite', ['-voice', voice, '-t', text, '-o', raw]);
    execFileSync('sox', [raw, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', partial(out)]);
    done(out);
  }
  return out;
}

/**
 * `file` as heard on a hissing line: white noise at `dbfs` (RMS) from half a second before the
 * caller speaks to `trailSeconds` after, as a bad line keeps hissing after the caller stops.
 */
export function onHissingLine(name: string, file: string, dbfs = -30, trailSeconds = 12): string {
  mkdirSync(DIR, { recursive: true });
  const out = join(DIR, `${name}.wav`);
  if (!existsSync(out)) {
    const padded = join(DIR, `${name}.${process.pid}.padded.wav`);
    const hiss = join(DIR, `${name}.${process.pid}.hiss.wav`);
    execFileSync('sox', [file, padded, 'pad', '0.5', String(trailSeconds)]);
    const seconds = execFileSync('soxi', ['-D', padded], { encoding: 'utf8' }).trim();
    // Uniform white noise of peak v has an RMS of v / sqrt(3).
    const peak = Math.sqrt(3) * 10 ** (dbfs / 20);
    execFileSync(
      'sox',
      ['-R', '-n', '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', hiss].concat([
        'synth',
        seconds,
        'whitenoise',
        'vol',
        peak.toFixed(4),
      ]),
    );
    execFileSync('sox', ['-m', '-v', '1', padded, '-v', '1', hiss, partial(out)]);
    done(out);
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
      const gap = join(DIR, `${name}.${process.pid}.gap${i}.wav`);
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
    execFileSync('sox', [...files, partial(out)]);
    done(out);
  }
  return out;
}

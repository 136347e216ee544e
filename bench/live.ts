// What the live benchmarks (calls, soak) share: a config for the sandbox in a scratch folder,
// a spoken sentence from flite, and Doorman plus a simulated caller, both in this process.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { startDoorman } from '../src/main.js';
import { SimulatedCaller } from '../src/telephony/simulated-caller.js';

export function benchConfig(dir: string, overrides: Record<string, unknown>): Config {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k.startsWith('DOORMAN_SIMULATOR_')),
  );
  return loadConfig({
    env,
    overrides: {
      'recordings.dir': join(dir, 'rec'),
      'store.url': `sqlite:${join(dir, 'doorman.db')}`,
      'store.queueFile': join(dir, 'queue.jsonl'),
      'web.enabled': false,
      'log.level': 'warn',
      ...overrides,
    } as never,
  });
}

/** An 8 kHz WAV of `text` in flite's voice `rms` (not the prompts' voice). */
export function fliteSentence(dir: string, name: string, text: string): string {
  const raw = join(dir, `${name}-raw.wav`);
  const out = join(dir, `${name}.wav`);
  execFileSync('flite', ['-voice', 'rms', '-t', text, '-o', raw]);
  execFileSync('sox', [raw, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', out]);
  return out;
}

/**
 * Doorman and a simulated caller on the sandbox. The caller connects first, with a deadline,
 * because Doorman itself retries ARI for as long as it runs (as it must in production): a
 * benchmark started without the sandbox would otherwise wait instead of failing.
 */
export async function startLive(config: Config) {
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const caller = new SimulatedCaller(config, logger);
  try {
    await caller.connect(15_000);
  } catch (e) {
    console.error(
      `${(e as Error).message}: is the sandbox running? scripts/asterisk.sh start; eval "$(scripts/asterisk.sh env)"`,
    );
    process.exit(1);
  }
  const doorman = await startDoorman(config, logger);
  await doorman.connected;
  return { doorman, caller, logger };
}

/** CPU seconds Asterisk (the sandbox) has used so far. */
export function asteriskCpuSeconds(): () => number {
  const root = process.env.ASTERISK_ROOT ?? '/opt/doorman-asterisk';
  const pid = Number(readFileSync(join(root, 'run', 'doorman-sandbox.pid'), 'utf8').trim());
  const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  return () => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / hz;
  };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { cliArgs } from './cli.js';
import { ARTIFACTS } from './doorman.js';

export interface DoormanProcess {
  child: ChildProcess;
  /** Resolves with the first log line matching `pattern`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
  /** Every log line so far (for a failing assertion's message). */
  lines: readonly string[];
  /** Kills it if still running (test clean-up on every path). */
  kill(): Promise<void>;
}

/** `doorman start` as its own process (the CLI from source), logging to test-artifacts/<name>.log. */
export function spawnDoorman(name: string, env: Record<string, string>): DoormanProcess {
  const child = spawn(process.execPath, cliArgs('start'), {
    env: { ...process.env, DOORMAN_LOG_LEVEL: 'info', DOORMAN_WEB_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(ARTIFACTS, `${name}.log`));
  let buffer = '';
  const lines: string[] = [];
  const watchers: Array<{ pattern: RegExp; resolve: (l: string) => void }> = [];
  child.stdout?.on('data', (d: Buffer) => {
    log.write(d);
    buffer += d.toString();
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      for (const w of [...watchers]) {
        if (w.pattern.test(line)) {
          watchers.splice(watchers.indexOf(w), 1);
          w.resolve(line);
        }
      }
      nl = buffer.indexOf('\n');
    }
  });
  child.stderr?.on('data', (d: Buffer) => log.write(d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    lines,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    waitForLog(pattern, timeoutMs = 15_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`${name}: no log line matching ${pattern} in ${timeoutMs} ms`)),
          timeoutMs,
        );
        watchers.push({
          pattern,
          resolve: (l) => {
            clearTimeout(t);
            resolve(l);
          },
        });
      });
    },
  };
}

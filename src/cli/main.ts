#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { screenFile } from '../challenge/screen-file.js';
import { createChallenge, directoryFile, loadDirectoryFile } from '../challenge/setup.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ConfigError, DoormanError } from '../errors.js';
import { createLogger } from '../log.js';
import { startDoorman } from '../main.js';
import { bypassEnd } from '../policy/checks/bypass.js';
import { readBypass, setBypassFor, setScreening } from '../store/screening-state.js';
import { Store } from '../store/store.js';
import { SimulatedCaller } from '../telephony/simulated-caller.js';
import { asteriskConfig } from './asterisk-config.js';
import { type ListFlags, listAdd, listExport, listImport, listRemove } from './list.js';

const USAGE = `Usage: doorman <command> [options]

Commands:
  start                 run the Stasis app (until SIGINT/SIGTERM)
  call                  place a simulated inbound call into the Asterisk sandbox and print where it went
      --from NUMBER       caller number (default +15551234567)
      --name NAME         caller-ID name
      --to DID            number dialled (default 15550001000)
      --say FILE.wav      what the caller says once answered (8/16 kHz mono 16-bit WAV)
      --delay SECONDS     wait after answer before speaking (default 3.5: the prompt's length)
      --dtmf DIGITS       digits sent after speaking
      --wait SECONDS      stay on the line after speaking (default 20)
      --timeout SECONDS   stop watching after this long (default 60)
      --json              print the result as JSON
  screen-file --directory FILE.yaml AUDIO.wav...
                        run the speech challenge on recorded answers (8/16 kHz mono WAV), offline,
                        with the live code path; one JSON object per file on stdout
  list add NUMBER [--block] [--name N] [--destination D] [--scope DID] [--expires DATE] [--note T]
  list remove NUMBER [--block] [--scope DID]
  list show [--block|--allow] [--limit N]
  list import FILE.csv [--block]     columns: number,name,list,destination,source,scope,expires_at,note
  list export [--block|--allow]      CSV on stdout
                        the allow and block lists (default: allow)
  screening status|on|off|bypass MINUTES
                        switch screening, or let every call through unscreened for a while
  asterisk-config       print the Asterisk configuration and dialplan Doorman needs
  config                print the effective configuration (secrets hidden)

Options for every command:
  --config FILE         YAML config file (or env DOORMAN_CONFIG); DOORMAN_* env vars override it
  --help
`;

class UsageError extends DoormanError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

function fail(e: unknown): never {
  if (e instanceof ConfigError) console.error(`doorman: config error: ${e.message}`);
  else if (e instanceof UsageError) console.error(`doorman: ${e.message}\n\n${USAGE}`);
  else if (e instanceof DoormanError) console.error(`doorman: ${e.message}`);
  else console.error(`doorman: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(e instanceof ConfigError || e instanceof UsageError ? 2 : 1);
}

async function cmdStart(config: Config): Promise<void> {
  const logger = createLogger(config.log.level);
  const doorman = await startDoorman(config, logger);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: handing calls in progress back to the dialplan');
    doorman.stop().then(
      () => process.exit(0),
      (e) => {
        logger.error({ err: e }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function number(v: string | undefined, dflt: number, flag: string): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} needs a non-negative number, got "${v}"`);
  return n;
}

async function cmdCall(config: Config, v: Record<string, string | boolean | undefined>): Promise<void> {
  const logger = createLogger('warn');
  const caller = new SimulatedCaller(config, logger);
  await caller.connect();
  try {
    const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
    const result = await caller.call({
      from: str('from') ?? '+15551234567',
      name: str('name'),
      to: str('to') ?? '15550001000',
      say: str('say'),
      delaySeconds: number(str('delay'), 3.5, '--delay'),
      dtmf: str('dtmf'),
      waitSeconds: number(str('wait'), 20, '--wait'),
      timeoutMs: number(str('timeout'), 60, '--timeout') * 1000,
    });
    if (v.json) {
      console.log(JSON.stringify(result));
    } else {
      console.log(`call ${result.id} from ${str('from') ?? '+15551234567'} to ${str('to') ?? '15550001000'}`);
      for (const t of result.timeline)
        console.log(`  ${(t.atMs / 1000).toFixed(2).padStart(6)} s  ${t.what}`);
      console.log(
        result.destination
          ? `outcome: routed to "${result.destination}"${result.destination === 'fallback' ? ' (the dialplan fallback: Doorman was not running or gave the call back)' : ''}`
          : `outcome: no destination reached${result.hungUp ? ' (call ended)' : ' (timed out)'}`,
      );
    }
    process.exitCode = result.destination ? 0 : 1;
  } finally {
    await caller.close();
  }
}

async function cmdScreenFile(config: Config, directory: string | undefined, files: string[]): Promise<void> {
  if (!files.length) throw new UsageError('screen-file needs at least one WAV file');
  const logger = createLogger('warn', pino.destination(2));
  const challenge = await createChallenge(
    config,
    loadDirectoryFile(directory ?? directoryFile(config)),
    logger,
  );
  let failed = 0;
  for (const file of files) {
    try {
      const { detail: _detail, ...result } = await screenFile(challenge, file);
      console.log(JSON.stringify(result));
    } catch (e) {
      failed++;
      console.log(JSON.stringify({ file, error: e instanceof Error ? e.message : String(e) }));
    }
  }
  await challenge.engine.close();
  process.exitCode = failed ? 1 : 0;
}

async function cmdList(
  config: Config,
  args: string[],
  v: Record<string, string | boolean | undefined>,
): Promise<void> {
  const [action, target] = args;
  const flags = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as ListFlags;
  const needs = (what: string) => {
    if (!target) throw new UsageError(`list ${action} needs ${what}`);
    return target;
  };
  const store = await Store.open(config.store);
  try {
    switch (action) {
      case 'add':
        console.log(await listAdd(store, config, needs('a NUMBER'), flags));
        return;
      case 'remove': {
        const removed = await listRemove(store, config, needs('a NUMBER'), flags);
        console.log(removed ? 'removed' : 'not on the list');
        process.exitCode = removed ? 0 : 1;
        return;
      }
      case 'show': {
        const list = v.block ? 'block' : v.allow ? 'allow' : undefined;
        const rows = await store.listCallers({ ...(list ? { list } : {}), limit: Number(v.limit ?? 100) });
        for (const r of rows) {
          console.log(
            [
              r.list,
              r.number,
              r.destination ?? '-',
              r.source,
              `hits=${r.hits}`,
              r.name ? JSON.stringify(r.name) : '',
              r.scope ? `scope=${r.scope}` : '',
            ]
              .filter(Boolean)
              .join('  '),
          );
        }
        return;
      }
      case 'export':
        await listExport(store, v.block ? 'block' : v.allow ? 'allow' : undefined, (s) =>
          process.stdout.write(s),
        );
        return;
      case 'import': {
        const file = needs('a CSV file');
        let shown = -1;
        const report = await listImport(store, config, file, v.block ? 'block' : 'allow', (done, total) => {
          const pct = Math.floor((100 * done) / total);
          if (process.stderr.isTTY) {
            const bar = '#'.repeat(Math.floor(pct / 5)).padEnd(20, '.');
            process.stderr.write(`\r[${bar}] ${pct}% ${done}/${total}`);
            if (done === total) process.stderr.write('\n');
          } else if (pct >= shown + 10 || done === total) {
            shown = pct;
            process.stderr.write(`${pct}% (${done}/${total})\n`);
          }
        });
        for (const r of report.rejected) console.error(`${file}:${r.line}: rejected: ${r.reason}`);
        console.log(`imported ${report.imported}, rejected ${report.rejected.length}`);
        process.exitCode = report.rejected.length ? 1 : 0;
        return;
      }
      default:
        throw new UsageError(`list needs add, remove, show, import or export`);
    }
  } finally {
    await store.close();
  }
}

async function cmdScreening(config: Config, [action, arg]: string[]): Promise<void> {
  if (!action || !['status', 'on', 'off', 'bypass'].includes(action)) {
    throw new UsageError('screening needs status, on, off or bypass MINUTES');
  }
  const minutes = action === 'bypass' ? number(arg, Number.NaN, 'bypass MINUTES') : 0;
  if (Number.isNaN(minutes))
    throw new UsageError('screening bypass needs a number of minutes (0 ends a bypass)');
  const store = await Store.open(config.store);
  try {
    if (action === 'on' || action === 'off') await setScreening(store, action === 'on');
    if (action === 'bypass') await setBypassFor(store, minutes);
    const s = await readBypass(store);
    const until = bypassEnd(s, new Date());
    const bypassed = until ? `, bypassed until ${until.toISOString()}` : '';
    console.log(`screening ${s.off ? 'off' : 'on'}${bypassed}`);
  } finally {
    await store.close();
  }
}

function cmdConfig(config: Config): void {
  const shown = { ...config, ari: { ...config.ari, password: '[hidden]' } };
  console.log(JSON.stringify(shown, null, 2));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    console.log(USAGE);
    return;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      strict: true,
      options: {
        config: { type: 'string' },
        help: { type: 'boolean' },
        from: { type: 'string' },
        name: { type: 'string' },
        to: { type: 'string' },
        say: { type: 'string' },
        delay: { type: 'string' },
        dtmf: { type: 'string' },
        wait: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        directory: { type: 'string' },
        block: { type: 'boolean' },
        allow: { type: 'boolean' },
        destination: { type: 'string' },
        scope: { type: 'string' },
        expires: { type: 'string' },
        note: { type: 'string' },
        limit: { type: 'string' },
      },
      allowPositionals: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig({ file: typeof v.config === 'string' ? v.config : undefined });
  switch (command) {
    case 'start':
      return cmdStart(config);
    case 'call':
      return cmdCall(config, v);
    case 'config':
      return cmdConfig(config);
    case 'list':
      return cmdList(config, parsed.positionals, v);
    case 'screening':
      return cmdScreening(config, parsed.positionals);
    case 'asterisk-config':
      process.stdout.write(asteriskConfig(config));
      return;
    case 'screen-file':
      return cmdScreenFile(
        config,
        typeof v.directory === 'string' ? v.directory : undefined,
        parsed.positionals,
      );
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).catch(fail);

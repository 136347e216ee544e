#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { stringify as stringifyYaml } from 'yaml';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { hideSecrets } from '../config/secrets.js';
import { ConfigError, DoormanError } from '../errors.js';
import { type ImportReport, listExport } from '../lists/caller-lists.js';
import { importPinsCsv, pinsExport } from '../lists/pin-csv.js';
import { createLogger } from '../log.js';
import { normalizeNumber } from '../match/caller-id.js';
import { bypassEnd } from '../policy/checks/bypass.js';
import { DirectoryStore } from '../store/directory-store.js';
import { PinSets } from '../store/pin-sets.js';
import { readBypass, setBypassFor, setScreening } from '../store/screening-state.js';
import { Store } from '../store/store.js';
import { asteriskConfig } from './asterisk-config.js';
import { type ListFlags, listAdd, listImport, listRemove } from './list.js';
import { cmdAdmin, cmdToken } from './web.js';

// What only some commands need is loaded by those commands: the speech engine, the Stasis app
// and the admin API take seconds to load, and `doorman list show` should not wait for them.
const challengeSetup = () => import('../challenge/setup.js');

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
      --sip               call over SIP (SIPp to the sandbox's sip-caller endpoint: RTP, RFC 4733)
      --codec ulaw|alaw   the codec the SIP phone offers (default ulaw)
  screen-file --directory FILE.yaml AUDIO.wav...
                        run the speech challenge on recorded answers (8/16 kHz mono WAV), offline,
                        with the live code path; one JSON object per file on stdout
  list add NUMBER [--block] [--name N] [--destination D] [--scope DID] [--expires DATE] [--note T]
  list remove NUMBER [--block] [--scope DID]
  list show [--block|--allow] [--limit N]
  list import FILE.csv [--block]     columns: number,name,list,destination,source,scope,expires_at,note
  list export [--block|--allow]      CSV on stdout
                        the allow and block lists (default: allow)
  pins sets                          the PIN sets, with how many PINs each holds
  pins create SET [--clear] [--note T]
                        a new PIN set; PINs are kept as keyed hashes unless --clear (then exportable)
  pins delete SET
  pins add SET LABEL                 reads the PIN from stdin (or env DOORMAN_PIN), never argv
  pins remove SET LABEL
  pins show SET                      the labels (never the PINs)
  pins import SET FILE.csv           columns: label,pin
  pins export SET                    CSV on stdout (PINs only for --clear sets)
  pins unlock NUMBER|ext:EXTENSION   forget a caller's wrong PINs (ends a lockout)
  screening status|on|off|bypass MINUTES
                        switch screening, or let every call through unscreened for a while
  admin set-password [USER]
                        set the admin web login's password (user "admin" by default), read from
                        DOORMAN_ADMIN_PASSWORD or stdin (typed without echo), never from arguments
  token create NAME | revoke NAME | list
                        API tokens for scripts (Authorization: Bearer ...); shown once, stored hashed
  directory import FILE.yaml | export
                        the directory live calls match, kept in the database (the YAML exchange
                        format; directory.file only seeds an empty database)
  asterisk-config [--fallback CONTEXT,EXTEN,PRIORITY] [--inbound-context NAME]
                  [--outbound-context NAME] [--dial APP(ARGS)] [--features-context NAME]
                  [--dialplan-only]
                        print the Asterisk configuration and dialplan Doorman needs; the fallback
                        (default from-did-direct,\${DOORMAN_DID},1) is where calls go when Doorman
                        is down, stopped or dies mid-call
  doctor [--asterisk-etc DIR] [--sounds DIR]
                        check ARI, Asterisk's version and modules, the dialplan, prompts, database,
                        speech engine and folders; print what to fix (exit 1 if anything is wrong)
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
  const { startDoorman } = await import('../main.js');
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

function sipCodec(codec = 'ulaw'): 'ulaw' | 'alaw' {
  if (codec !== 'ulaw' && codec !== 'alaw') throw new UsageError(`--codec is ulaw or alaw, got "${codec}"`);
  return codec;
}

async function cmdCall(config: Config, v: Record<string, string | boolean | undefined>): Promise<void> {
  const logger = createLogger('warn');
  const { SimulatedCaller } = await import('../telephony/simulated-caller.js');
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
      ...(v.sip ? { sip: sipCodec(str('codec')) } : {}),
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
  const { createChallenge, directoryFile, loadDirectoryFile } = await challengeSetup();
  const { screenFile } = await import('../challenge/screen-file.js');
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
        const report = await listImport(store, config, file, v.block ? 'block' : 'allow', progressPrinter());
        printImportReport(file, report);
        return;
      }
      default:
        throw new UsageError(`list needs add, remove, show, import or export`);
    }
  } finally {
    await store.close();
  }
}

/** Import progress on stderr: a bar on a terminal, a line every 10% in a log. */
function progressPrinter(): (done: number, total: number) => void {
  let shown = -1;
  return (done, total) => {
    const pct = Math.floor((100 * done) / total);
    if (process.stderr.isTTY) {
      const bar = '#'.repeat(Math.floor(pct / 5)).padEnd(20, '.');
      process.stderr.write(`\r[${bar}] ${pct}% ${done}/${total}`);
      if (done === total) process.stderr.write('\n');
    } else if (pct >= shown + 10 || done === total) {
      shown = pct;
      process.stderr.write(`${pct}% (${done}/${total})\n`);
    }
  };
}

function printImportReport(file: string, report: ImportReport): void {
  for (const r of report.rejected) console.error(`${file}:${r.line}: rejected: ${r.reason}`);
  console.log(`imported ${report.imported}, rejected ${report.rejected.length}`);
  process.exitCode = report.rejected.length ? 1 : 0;
}

/** A PIN is never taken from the command line (shell history, ps): stdin, or DOORMAN_PIN. */
async function readPin(): Promise<string> {
  if (process.env.DOORMAN_PIN) return process.env.DOORMAN_PIN;
  if (process.stdin.isTTY) process.stderr.write('PIN: ');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
    if (Buffer.concat(chunks).includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0]?.trim() ?? '';
}

async function cmdPins(
  config: Config,
  [action, a, b]: string[],
  v: Record<string, string | boolean | undefined>,
) {
  const need = (x: string | undefined, what: string) => {
    if (!x) throw new UsageError(`pins ${action} needs ${what}`);
    return x;
  };
  const store = await Store.open(config.store);
  const pins = new PinSets(store);
  try {
    switch (action) {
      case 'sets':
        for (const s of await pins.listSets())
          console.log(
            `${s.name}  ${s.pins} PIN(s)  ${s.hashed ? 'hashed' : 'clear'}${s.note ? `  ${JSON.stringify(s.note)}` : ''}`,
          );
        return;
      case 'create':
        await pins.createSet(need(a, 'a SET name'), {
          hashed: !v.clear,
          note: typeof v.note === 'string' ? v.note : null,
        });
        console.log(`created PIN set ${a}${v.clear ? ' (PINs kept in the clear)' : ''}`);
        return;
      case 'delete': {
        const gone = await pins.deleteSet(need(a, 'a SET name'));
        console.log(gone ? 'deleted' : 'no such set');
        process.exitCode = gone ? 0 : 1;
        return;
      }
      case 'add': {
        const set = need(a, 'SET and LABEL');
        const label = need(b, 'SET and LABEL');
        console.log(`${await pins.putPin(set, label, await readPin())}: ${label}`);
        return;
      }
      case 'remove': {
        const gone = await pins.removePin(need(a, 'SET and LABEL'), need(b, 'SET and LABEL'));
        console.log(gone ? 'removed' : 'no such label');
        process.exitCode = gone ? 0 : 1;
        return;
      }
      case 'show':
        for (const r of await pins.listPins(need(a, 'a SET name')))
          console.log(`${r.label}  added ${r.createdAt}`);
        return;
      case 'import': {
        const file = need(b, 'SET and a CSV file');
        const set = need(a, 'SET and a CSV file');
        printImportReport(
          file,
          await importPinsCsv(pins, set, readFileSync(file, 'utf8'), file, progressPrinter()),
        );
        return;
      }
      case 'export':
        await pinsExport(pins, need(a, 'a SET name'), (s) => process.stdout.write(s));
        return;
      case 'unlock': {
        const who = need(a, 'a NUMBER (or ext:EXTENSION)');
        const key = who.startsWith('ext:') ? who : normalizeNumber(who, config.numbers.defaultCountry).key;
        console.log(`cleared ${await pins.clearFailures(key)} wrong-PIN record(s) of ${key}`);
        return;
      }
      default:
        throw new UsageError('pins needs sets, create, delete, add, remove, show, import, export or unlock');
    }
  } finally {
    await store.close();
  }
}

/** The directory in the database: what live calls match (the YAML file only seeds an empty database). */
async function cmdDirectory(config: Config, [action, file]: string[]): Promise<void> {
  if (action !== 'import' && action !== 'export')
    throw new UsageError('directory needs import FILE.yaml or export');
  const store = await Store.open(config.store);
  try {
    const db = new DirectoryStore(store);
    if (action === 'export') {
      const entries = await db.list();
      process.stdout.write(stringifyYaml({ version: 1, entries }));
      return;
    }
    if (!file) throw new UsageError('directory import needs a FILE.yaml');
    const { loadDirectoryFile } = await challengeSetup();
    const { checkEntries } = await import('../challenge/directory-service.js');
    const entries = loadDirectoryFile(file);
    await checkEntries(config, entries);
    await db.replaceAll(entries);
    console.log(`imported ${entries.length} entries; running Doormans pick them up within 10 s`);
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
  console.log(JSON.stringify(hideSecrets(config), null, 2));
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
        sip: { type: 'boolean' },
        codec: { type: 'string' },
        directory: { type: 'string' },
        block: { type: 'boolean' },
        allow: { type: 'boolean' },
        destination: { type: 'string' },
        scope: { type: 'string' },
        expires: { type: 'string' },
        note: { type: 'string' },
        limit: { type: 'string' },
        clear: { type: 'boolean' },
        'asterisk-etc': { type: 'string' },
        sounds: { type: 'string' },
        'inbound-context': { type: 'string' },
        fallback: { type: 'string' },
        'outbound-context': { type: 'string' },
        dial: { type: 'string' },
        'features-context': { type: 'string' },
        'dialplan-only': { type: 'boolean' },
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
    case 'pins':
      return cmdPins(config, parsed.positionals, v);
    case 'directory':
      return cmdDirectory(config, parsed.positionals);
    case 'admin':
      return cmdAdmin(config, parsed.positionals);
    case 'token':
      return cmdToken(config, parsed.positionals);
    case 'asterisk-config': {
      const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
      process.stdout.write(
        asteriskConfig(config, {
          inboundContext: str('inbound-context'),
          fallback: str('fallback'),
          outboundContext: str('outbound-context'),
          dial: str('dial'),
          featuresContext: str('features-context'),
          dialplanOnly: v['dialplan-only'] === true,
        }),
      );
      return;
    }
    case 'doctor': {
      const { doctor, formatFindings } = await import('./doctor.js');
      const findings = await doctor(config, {
        asteriskEtc: typeof v['asterisk-etc'] === 'string' ? v['asterisk-etc'] : '/etc/asterisk',
        sounds: typeof v.sounds === 'string' ? v.sounds : '/usr/share/asterisk/sounds',
        logger: createLogger('error', pino.destination(2)),
      });
      process.stdout.write(formatFindings(findings));
      process.exitCode = findings.every((f) => f.ok) ? 0 : 1;
      return;
    }
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

#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ConfigError, DoormanError } from '../errors.js';
import { type Flags, str, USAGE, UsageError } from './usage.js';

type Command = (config: Config, args: string[], v: Flags) => Promise<void> | void;

// Each command's module is loaded only when that command runs, and the heavy modules (the speech
// engine, the Stasis app, the admin API) only by the commands that need them: they take seconds to
// load, and `doorman list show` should not wait for them.
const commands: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./commands/start.js')).cmdStart,
  call: async () => (await import('./commands/call.js')).cmdCall,
  config: async () => (await import('./commands/config.js')).cmdConfig,
  list: async () => (await import('./commands/list.js')).cmdList,
  screening: async () => (await import('./commands/screening.js')).cmdScreening,
  house: async () => (await import('./commands/house.js')).cmdHouse,
  grants: async () => (await import('./commands/grants.js')).cmdGrants,
  backup: async () => (await import('./commands/backup.js')).cmdBackup,
  restore: async () => (await import('./commands/backup.js')).cmdRestore,
  'freepbx-import': async () => (await import('./commands/freepbx-import.js')).cmdFreepbxImport,
  pins: async () => (await import('./commands/pins.js')).cmdPins,
  directory: async () => (await import('./commands/directory.js')).cmdDirectory,
  contacts: async () => (await import('./commands/contacts.js')).cmdContacts,
  admin: async () => (await import('./commands/admin.js')).cmdAdmin,
  token: async () => (await import('./commands/token.js')).cmdToken,
  'asterisk-config': async () => (await import('./commands/asterisk-config.js')).cmdAsteriskConfig,
  doctor: async () => (await import('./commands/doctor.js')).cmdDoctor,
  'screen-file': async () => (await import('./commands/screen-file.js')).cmdScreenFile,
};

function fail(e: unknown): never {
  if (e instanceof ConfigError) console.error(`doorman: config error: ${e.message}`);
  else if (e instanceof UsageError) console.error(`doorman: ${e.message}\n\n${USAGE}`);
  else if (e instanceof DoormanError) console.error(`doorman: ${e.message}`);
  else console.error(`doorman: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(e instanceof ConfigError || e instanceof UsageError ? 2 : 1);
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
        'second-app': { type: 'string' },
        'dry-run': { type: 'boolean' },
        replace: { type: 'boolean' },
        astdb: { type: 'boolean' },
        'asterisk-cli': { type: 'string' },
        blacklist: { type: 'string' },
        allowlist: { type: 'string' },
      },
      allowPositionals: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values as Flags;
  if (v.help) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig({ file: str(v, 'config') });
  const load = Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (!load) throw new UsageError(`unknown command "${command}"`);
  const run = await load();
  return run(config, parsed.positionals, v);
}

main(process.argv.slice(2)).catch(fail);

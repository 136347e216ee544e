import { readFileSync } from 'node:fs';
import type { Config } from '../../config/schema.js';
import { importPinsCsv, pinsExport } from '../../lists/pin-csv.js';
import { normalizeNumber } from '../../match/caller-id.js';
import { openPinSets } from '../../store/pin-key.js';
import { Store } from '../../store/store.js';
import { printImportReport, progressPrinter } from '../import-report.js';
import { writeOut } from '../terminal.js';
import { type Flags, str, UsageError } from '../usage.js';

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

export async function cmdPins(config: Config, [action, a, b]: string[], v: Flags): Promise<void> {
  const need = (x: string | undefined, what: string) => {
    if (!x) throw new UsageError(`pins ${action} needs ${what}`);
    return x;
  };
  const store = await Store.open(config.store);
  const pins = openPinSets(store, config.pins);
  try {
    switch (action) {
      case 'sets':
        for (const s of await pins.listSets())
          console.log(
            `${s.name}  ${s.pins} PIN(s)  ${s.hashed ? 'hashed' : 'clear'}${s.sealed ? ', sealed' : ''}${s.note ? `  ${JSON.stringify(s.note)}` : ''}`,
          );
        return;
      case 'create':
        await pins.createSet(need(a, 'a SET name'), {
          hashed: !v.clear,
          note: str(v, 'note') ?? null,
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
        await pinsExport(pins, need(a, 'a SET name'), writeOut);
        return;
      case 'seal': {
        const set = need(a, 'a SET name');
        console.log(
          (await pins.sealSet(set)) ? `sealed ${set} with pins.keyFile's key` : `${set} was sealed already`,
        );
        return;
      }
      case 'unlock': {
        const who = need(a, 'a NUMBER (or ext:EXTENSION)');
        const key =
          who.startsWith('ext:') || who.startsWith('set:')
            ? who
            : normalizeNumber(who, config.numbers.defaultCountry).key;
        console.log(`cleared ${await pins.clearFailures(key)} wrong-PIN record(s) of ${key}`);
        return;
      }
      default:
        throw new UsageError(
          'pins needs sets, create, delete, add, remove, show, import, export, seal or unlock',
        );
    }
  } finally {
    await store.close();
  }
}

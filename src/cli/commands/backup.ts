import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { Config } from '../../config/schema.js';
import { readBackup, restoreBackup, restorePlan, writeBackup } from '../../store/backup.js';
import { Store } from '../../store/store.js';
import { type Flags, UsageError } from '../usage.js';

/** `doorman backup FILE|-`: the lists, rules, directory, PIN sets, settings and accounts. */
export async function cmdBackup(config: Config, [file]: string[]): Promise<void> {
  if (!file) throw new UsageError('backup needs a file to write (or - for standard output)');
  const store = await Store.open(config.store);
  try {
    // The file is written beside its final name and renamed: a backup cut short never looks whole.
    const out = file === '-' ? process.stdout : createWriteStream(`${file}.partial`, { mode: 0o600 });
    const counts = await writeBackup(store, out);
    if (out !== process.stdout) {
      out.end();
      await finished(out);
      await rename(`${file}.partial`, file);
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.error(`backed up ${total} rows: ${summary(counts)}`);
  } finally {
    await store.close();
  }
}

/** `doorman restore FILE [--dry-run] [--replace]`: all of a backup, or nothing. */
export async function cmdRestore(config: Config, [file]: string[], v: Flags): Promise<void> {
  if (!file) throw new UsageError('restore needs a backup file');
  const backup = await readBackup(file);
  const store = await Store.open(config.store);
  try {
    if (v['dry-run']) {
      const plan = await restorePlan(store, backup);
      console.log(`backup of ${backup.createdAt}; nothing written (dry run)`);
      for (const p of plan)
        console.log(
          `${p.table}\t${p.inBackup} in the backup\t${p.inDatabase} in the database${p.inDatabase && !v.replace ? '\t(not empty: needs --replace)' : ''}`,
        );
      return;
    }
    const plan = await restoreBackup(store, backup, { replace: v.replace === true });
    console.log(
      `restored the backup of ${backup.createdAt}: ${summary(Object.fromEntries(plan.map((p) => [p.table, p.inBackup])))}`,
    );
  } finally {
    await store.close();
  }
}

const summary = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([t, n]) => `${n} ${t}`)
    .join(', ');

import { stringify as stringifyYaml } from 'yaml';
import type { Config } from '../../config/schema.js';
import { DirectoryStore } from '../../store/directory-store.js';
import { Store } from '../../store/store.js';
import { UsageError } from '../usage.js';

/** The directory in the database: what live calls match (the YAML file only seeds an empty database). */
export async function cmdDirectory(config: Config, [action, file]: string[]): Promise<void> {
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
    const { loadDirectoryFile } = await import('../../challenge/setup.js');
    const { checkEntries } = await import('../../challenge/directory-service.js');
    const entries = loadDirectoryFile(file);
    await checkEntries(config, entries);
    await db.replaceAll(entries);
    console.log(`imported ${entries.length} entries; running Doormans pick them up within 10 s`);
  } finally {
    await store.close();
  }
}

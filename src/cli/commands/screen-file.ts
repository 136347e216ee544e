import { pino } from 'pino';
import type { Config } from '../../config/schema.js';
import { createLogger } from '../../log.js';
import { type Flags, str, UsageError } from '../usage.js';

export async function cmdScreenFile(config: Config, files: string[], v: Flags): Promise<void> {
  if (!files.length) throw new UsageError('screen-file needs at least one WAV file');
  const logger = createLogger('warn', pino.destination(2));
  const { createChallenge, directoryFile, loadDirectoryFile } = await import('../../challenge/setup.js');
  const { screenFile } = await import('../../challenge/screen-file.js');
  const challenge = await createChallenge(
    config,
    loadDirectoryFile(str(v, 'directory') ?? directoryFile(config)),
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

import type { Config } from '../../config/schema.js';
import { createLogger } from '../../log.js';

export async function cmdStart(config: Config): Promise<void> {
  const logger = createLogger(config.log.level);
  const { startDoorman } = await import('../../main.js');
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

import type { Logger } from 'pino';
import { DoormanApp } from './calls/doorman-app.js';
import { createChallenge, directoryFile, loadDirectoryFile } from './challenge/setup.js';
import type { Config } from './config/schema.js';
import { DurableWrites } from './store/durable-writes.js';
import { Store } from './store/store.js';
import { AriConnection } from './telephony/ari.js';

export interface RunningDoorman {
  app: DoormanApp;
  store: Store;
  writes: DurableWrites;
  ari: AriConnection;
  /** Resolves once connected to Asterisk for the first time. */
  connected: Promise<void>;
  stop(): Promise<void>;
}

/** Composition root: config -> directory and speech challenge -> ARI connection -> the Stasis app. */
export async function startDoorman(config: Config, logger: Logger): Promise<RunningDoorman> {
  const entries = loadDirectoryFile(directoryFile(config));
  const challenge = await createChallenge(config, entries, logger);
  // Doorman starts even while a shared database is down: checks fail open, writes queue up.
  const store = Store.connect(config.store);
  store.ready().then(
    () => logger.info({ store: config.store.url.replace(/\/\/[^@]*@/, '//***@') }, 'database ready'),
    (e) =>
      logger.error(
        { err: e },
        'database unreachable: screening without lists until it answers; writes are queued',
      ),
  );
  const writes = new DurableWrites(store, config.store.queueFile, logger);
  const ari = new AriConnection({ ...config.ari, logger });
  const app = new DoormanApp(config, ari, challenge, store, writes, logger);
  const connected = ari.start();
  logger.info({ app: config.ari.app, ari: config.ari.url }, 'Doorman starting');
  return {
    app,
    store,
    writes,
    ari,
    connected,
    async stop() {
      await app.stop();
      await ari.stop();
      await challenge.engine.close();
      await writes.flush();
      writes.close();
      await store.close();
      logger.info('Doorman stopped');
    },
  };
}

import type { Logger } from 'pino';
import { DoormanApp } from './calls/doorman-app.js';
import type { Config } from './config/schema.js';
import { AriConnection } from './telephony/ari.js';

export interface RunningDoorman {
  app: DoormanApp;
  ari: AriConnection;
  /** Resolves once connected to Asterisk for the first time. */
  connected: Promise<void>;
  stop(): Promise<void>;
}

/** Composition root: config -> ARI connection -> the Stasis app. */
export function startDoorman(config: Config, logger: Logger): RunningDoorman {
  const ari = new AriConnection({ ...config.ari, logger });
  const app = new DoormanApp(config, ari, logger);
  const connected = ari.start();
  logger.info({ app: config.ari.app, ari: config.ari.url }, 'Doorman starting');
  return {
    app,
    ari,
    connected,
    async stop() {
      await app.stop();
      await ari.stop();
      logger.info('Doorman stopped');
    },
  };
}

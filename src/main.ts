import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { DoormanApp } from './calls/doorman-app.js';
import { keepRecordingsFor } from './calls/recording-retention.js';
import { DirectoryService } from './challenge/directory-service.js';
import { createChallenge, directoryFile, loadDirectoryFile } from './challenge/setup.js';
import type { Config } from './config/schema.js';
import { ChangeFeed } from './events/change-feed.js';
import { keepContactsInSync } from './integrations/contacts-sync.js';
import { MqttBridge } from './integrations/mqtt-bridge.js';
import type { SpeechEngine } from './speech/engine.js';
import { describeEngine } from './speech/engine.js';
import { DurableWrites } from './store/durable-writes.js';
import { ReadCopy } from './store/read-copy.js';
import { Store } from './store/store.js';
import { AriConnection } from './telephony/ari.js';
import { CallMetrics } from './web/metrics.js';
import { directoryOf } from './web/routes/directory.js';
import { startWebServer } from './web/server.js';
import { Webhooks } from './webhooks/webhooks.js';

export interface RunningDoorman {
  app: DoormanApp;
  store: Store;
  writes: DurableWrites;
  ari: AriConnection;
  /** The admin API, when enabled and listening. */
  web: FastifyInstance | null;
  /** Resolves once connected to Asterisk for the first time. */
  connected: Promise<void>;
  /** The speech challenge's engine (as wrapped by `StartOptions`). */
  speech: SpeechEngine;
  /** The directory (and expected callers) the challenge hears, followed in the database. */
  directory: DirectoryService;
  /** State, events and commands over MQTT, when `mqtt.url` is set. */
  mqtt: MqttBridge | null;
  /** The local copy of a shared database's lists, read while it does not answer. */
  copy: ReadCopy;
  stop(): Promise<void>;
}

/** Composition root: config -> directory and speech challenge -> ARI connection -> the Stasis app -> admin API. */
export interface StartOptions {
  /** Puts something between Doorman and its speech engine (fault injection in tests). */
  wrapSpeechEngine?: (engine: SpeechEngine) => SpeechEngine;
}

export async function startDoorman(
  config: Config,
  logger: Logger,
  opts: StartOptions = {},
): Promise<RunningDoorman> {
  const entries = loadDirectoryFile(directoryFile(config));
  const challenge = await createChallenge(config, entries, logger, opts.wrapSpeechEngine);
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
  const changes = new ChangeFeed(logger.child({ component: 'changes' }));
  const writes = new DurableWrites(store, config.store.queueFile, logger, undefined, changes);
  const copy = ReadCopy.open(store, config.store, logger.child({ component: 'copy' }));
  copy.start();
  const directory = new DirectoryService(
    store,
    challenge,
    config,
    logger.child({ component: 'directory' }),
    copy,
  );
  const stopPruning = keepRecordingsFor(
    store,
    config.recordings.dir,
    config.recordings.retentionDays,
    logger.child({ component: 'recordings' }),
  );

  directory.watch();
  const ari = new AriConnection({ ...config.ari, logger });
  const app = new DoormanApp(config, ari, challenge, store, writes, logger, copy, changes);
  const webhooks = new Webhooks(config.webhooks, logger);
  app.on('call', (report) => webhooks.callFinished(report));
  app.live.on('event', (e) => {
    if (e.type === 'started') webhooks.callStarted(e);
  });
  webhooks.follow(changes);
  webhooks.start();
  const mqtt = config.mqtt.url
    ? new MqttBridge(config.mqtt, {
        store,
        bypass: app.bypass,
        screening: app.screeningChanges,
        live: app.live,
        changes,
        activeCalls: () => app.activeCalls,
        house: app.house,
        log: logger.child({ component: 'mqtt' }),
      })
    : null;
  mqtt?.start();
  const contacts = config.contacts.carddav.url
    ? keepContactsInSync(store, config, logger.child({ component: 'contacts' }))
    : null;
  app.screeningChanges.watch();
  const connected = ari.start();
  logger.info({ app: config.ari.app, ari: config.ari.url }, 'Doorman starting');
  let web: FastifyInstance | null = null;
  if (config.web.enabled) {
    const metrics = new CallMetrics(() => app.activeCalls);
    app.on('call', (report) => metrics.observe(report));
    web = await startWebServer({
      config,
      store,
      copy,
      logger,
      ari,
      mqtt,
      speechEngine: describeEngine(challenge.engine),
      directory: directoryOf(challenge, directory),
      metrics,
      caches: { house: app.house, nameRules: app.nameRules, numberRules: app.numberRules },
      screening: app.screeningChanges,
      changes,
      live: app.live,
    });
  }
  return {
    app,
    store,
    writes,
    copy,
    ari,
    web,
    connected,
    speech: challenge.engine,
    directory,
    mqtt,
    async stop() {
      stopPruning();
      await contacts?.stop();
      await web?.close();
      await mqtt?.stop();
      await directory.stop();
      await webhooks.stop();
      await app.stop();
      await ari.stop();
      await challenge.engine.close();
      await writes.flush();
      writes.close();
      await copy.close();
      await store.close();
      logger.info('Doorman stopped');
    },
  };
}

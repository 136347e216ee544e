import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { LiveFeed } from '../calls/live-feed.js';
import type { Config } from '../config/schema.js';
import type { ChangeFeed } from '../events/change-feed.js';
import type { ScreeningChanges } from '../events/screening-watch.js';
import { openPinSets } from '../store/pin-key.js';
import type { Store } from '../store/store.js';
import { WebAuthStore } from '../store/web-auth.js';
import { changeWebhooksDoc } from '../webhooks/change-events.js';
import { Accounts } from './auth/accounts.js';
import authPlugin, { SESSION_COOKIE } from './auth/plugin.js';
import { sendError } from './http-errors.js';
import { type CallMetrics, metricsRoutes } from './metrics.js';
import { callerRoutes } from './routes/callers.js';
import { callRoutes } from './routes/calls.js';
import { type DirectoryView, directoryRoutes } from './routes/directory.js';
import { expectedCallerRoutes } from './routes/expected-callers.js';
import { type HealthSources, healthRoutes } from './routes/health.js';
import { houseRoutes } from './routes/house.js';
import { liveRoutes } from './routes/live.js';
import { nameRuleRoutes } from './routes/name-rules.js';
import { numberRuleRoutes } from './routes/number-rules.js';
import { outboundGrantRoutes } from './routes/outbound-grants.js';
import { pinSetRoutes } from './routes/pin-sets.js';
import { routingRoutes } from './routes/routing.js';
import { screeningRoutes } from './routes/screening.js';
import { sessionRoutes } from './routes/session.js';
import { statsRoutes } from './routes/stats.js';
import { uiRoutes } from './routes/ui.js';

/** A cache the running Stasis app keeps, to drop after an edit so the next call sees it. */
export interface Invalidatable {
  invalidate(): void;
}

export interface WebDeps {
  config: Config;
  store: Store;
  logger: Logger;
  /** What /health reports on besides the database. */
  ari: HealthSources['ari'];
  speechEngine: string | null;
  /** The MQTT bridge, for /health, when one runs. */
  mqtt?: { readonly connected: boolean } | null | undefined;
  /** The local copy of a shared database, for /health. */
  copy?: HealthSources['copy'];
  directory: DirectoryView;
  metrics: CallMetrics;
  /** Calls as they happen (absent when the API runs without the Stasis app). */
  live?: LiveFeed;
  /** The running app's caches (absent when the API runs without the Stasis app). */
  caches?: { house?: Invalidatable; nameRules?: Invalidatable; numberRules?: Invalidatable };
  /** The running app's screening watch: changes take effect at once and are reported as the API's. */
  screening?: ScreeningChanges;
  /** Where list changes are reported (webhooks, MQTT). */
  changes?: ChangeFeed;
}

export const OPENAPI_PATH = '/api/openapi.json';
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The admin HTTP API: one Fastify plugin per concern, every route with a zod schema (validation
 * and the OpenAPI document come from the same schema), every route behind authentication unless
 * marked public. Built, not listening: `listen()` is the caller's.
 */
export async function createWebServer(deps: WebDeps): Promise<FastifyInstance> {
  const { config, store } = deps;
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'web' }) as FastifyBaseLogger,
    trustProxy: trustedHops(config.web.trustProxy),
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Stopping cuts what is still connected (live streams, clients that stopped reading) rather
    // than wait for them: a stop must not hang on a browser tab left open.
    forceCloseConnections: true,
    // Ids in paths are never longer; a long URL is an attack or a mistake.
    routerOptions: { maxParamLength: 100 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(sendError);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      statusCode: 404,
      error: 'Not Found',
      code: 'NO_ROUTE',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    }),
  );
  // Every answer is data, never a page a browser would render or frame (the web app's files set
  // their own policy).
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
    if (!reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    reply.header('referrer-policy', 'no-referrer');
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Doorman admin API',
        description:
          'Caller lists, name rules, the screening log, the screening switch and the directory. ' +
          'Authenticate with `Authorization: Bearer TOKEN` (doorman token create NAME), or log in ' +
          '(session cookie) and send the CSRF token as `x-csrf-token` with every write.',
        version: '1',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
      webhooks: changeWebhooksDoc(),
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifyCookie);
  const accounts = new Accounts(new WebAuthStore(store), config.web.sessionHours * 3_600_000);
  await app.register(authPlugin, { accounts });

  await app.register(
    healthRoutes({ store, ari: deps.ari, speechEngine: deps.speechEngine, mqtt: deps.mqtt, copy: deps.copy }),
  );
  await app.register(
    sessionRoutes({
      accounts,
      secureCookies: config.web.secureCookies,
      loginFailuresPerMinute: config.web.loginFailuresPerMinute,
    }),
  );
  await app.register(callerRoutes({ config, store, changes: deps.changes }));
  await app.register(nameRuleRoutes({ config, store, nameRules: deps.caches?.nameRules }));
  await app.register(numberRuleRoutes({ config, store, numberRules: deps.caches?.numberRules }));
  const editor = deps.directory?.editor;
  await app.register(
    expectedCallerRoutes({
      config,
      store,
      refresh: editor && (() => editor.sync()),
      numberRules: deps.caches?.numberRules,
    }),
  );
  await app.register(outboundGrantRoutes({ store }));
  await app.register(callRoutes({ config, store, changes: deps.changes }));
  await app.register(screeningRoutes({ store, screening: deps.screening }));
  await app.register(houseRoutes({ config, store, house: deps.caches?.house }));
  await app.register(directoryRoutes(deps.directory));
  await app.register(liveRoutes(deps.live, accounts));
  await app.register(pinSetRoutes({ pins: openPinSets(store, config.pins) }));
  await app.register(metricsRoutes(deps.metrics));
  await app.register(statsRoutes({ store }));
  await app.register(routingRoutes({ config }));
  await app.register(uiRoutes);
  app.get(
    OPENAPI_PATH,
    { schema: { summary: 'This API as an OpenAPI 3.1 document', tags: ['meta'] } },
    async () => app.swagger(),
  );
  await app.ready();
  return app;
}

/**
 * Builds and starts listening. A web server that cannot start (port taken) is logged and left
 * out: calls matter more than the admin API.
 */
export async function startWebServer(deps: WebDeps): Promise<FastifyInstance | null> {
  const { host, port } = deps.config.web;
  let app: FastifyInstance | undefined;
  try {
    app = await createWebServer(deps);
    const address = await app.listen({ host, port });
    deps.logger.info({ address }, 'admin API listening');
    const exposed = exposureWarning(deps.config.web);
    if (exposed) deps.logger.warn({ host }, exposed);
    return app;
  } catch (e) {
    deps.logger.error({ err: e, host, port }, 'the admin API could not start; screening goes on without it');
    await app?.close().catch(() => {});
    return null;
  }
}

/**
 * What an admin should hear when the API is reachable from the network over plain HTTP:
 * passwords and session cookies would cross it in the clear. Null on loopback, or behind a
 * TLS proxy (cookies marked Secure).
 */
export function exposureWarning(web: Pick<Config['web'], 'host' | 'secureCookies'>): string | null {
  const loopback = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i.test(web.host);
  if (loopback || web.secureCookies) return null;
  return `the admin API listens on ${web.host} over plain HTTP: logins and session cookies cross the network in the clear; put a TLS proxy in front (web.secureCookies: true, web.trustProxy) or listen on 127.0.0.1`;
}

/**
 * Trust exactly that many proxies, never "all": with `true` Fastify takes the leftmost
 * X-Forwarded-For entry, which the client writes itself, and a guesser would get a fresh
 * address every try.
 */
function trustedHops(setting: boolean | number): false | ((address: string, hop: number) => boolean) {
  const hops = setting === true ? 1 : setting || 0;
  return hops > 0 ? (_address, hop) => hop < hops : false;
}

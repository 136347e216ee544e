import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CopyStatus } from '../../store/read-copy.js';
import type { Store } from '../../store/store.js';

export interface HealthSources {
  store: Store;
  /** The ARI connection, when this process runs the Stasis app. */
  ari: { readonly connected: boolean } | null;
  /** The speech engine's name, when one is loaded. */
  speechEngine: string | null;
  /** The MQTT broker's connection, when `mqtt.url` is set. */
  mqtt?: { readonly connected: boolean } | null | undefined;
  /** The local copy of a shared database's lists (`store.copy`). */
  copy?: { status(): CopyStatus } | undefined;
}

const component = z.object({ state: z.string(), ok: z.boolean() });
const health = z.object({
  status: z.enum(['ok', 'degraded']),
  components: z.object({
    ari: component,
    database: component,
    speech: component.extend({ engine: z.string().nullable() }),
    mqtt: component.describe('only when mqtt.url is set').optional(),
    copy: component
      .extend({
        ageSeconds: z.number().nullable().describe('since it was last brought up to date'),
        usedAt: z
          .string()
          .nullable()
          .describe('when a check last read it because the database did not answer'),
      })
      .describe('only with a shared database and store.copy.file set')
      .optional(),
  }),
});

/**
 * Each component's state, without logging in (for monitoring). It says only up or down: reasons
 * can name hosts, so they go to the log.
 */
export const healthRoutes =
  (sources: HealthSources): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/health',
      {
        config: { public: true },
        schema: {
          summary: "Each component's state; 503 while any is down",
          tags: ['health'],
          security: [],
          response: { 200: health, 503: health },
        },
      },
      async (request, reply) => {
        const database = await sources.store.ping().then(
          () => ({ state: 'reachable', ok: true }),
          (e) => {
            request.log.warn({ err: e }, 'health: database unreachable');
            return { state: 'unreachable', ok: false };
          },
        );
        const ari = sources.ari
          ? { state: sources.ari.connected ? 'connected' : 'disconnected', ok: sources.ari.connected }
          : { state: 'not running', ok: false };
        const speech = {
          state: sources.speechEngine ? 'loaded' : 'not loaded',
          ok: sources.speechEngine !== null,
          engine: sources.speechEngine,
        };
        // A broker that is down costs the home-automation link, not the screening.
        const mqtt = sources.mqtt
          ? { state: sources.mqtt.connected ? 'connected' : 'reconnecting', ok: sources.mqtt.connected }
          : undefined;
        const copyStatus = sources.copy?.status();
        // The copy is what keeps screening through an outage: one never brought up to date is down.
        const copy =
          copyStatus && copyStatus.state !== 'off'
            ? { ...copyStatus, ok: copyStatus.state !== 'empty' }
            : undefined;
        const ok = database.ok && ari.ok && speech.ok && (mqtt?.ok ?? true) && (copy?.ok ?? true);
        return reply.code(ok ? 200 : 503).send({
          status: ok ? 'ok' : 'degraded',
          components: { ari, database, speech, ...(mqtt ? { mqtt } : {}), ...(copy ? { copy } : {}) },
        });
      },
    );
  };

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Config, type Destination, ROUTE_CHECKS } from '../../config/schema.js';

const routing = z.object({
  checks: z
    .array(z.string())
    .describe("the checks that can decide a call, as the screening log names them ('default': none did)"),
  destinations: z.array(z.object({ name: z.string(), target: z.string().describe('where the call goes') })),
  routes: z.array(
    z.object({
      name: z.string().describe("the Stasis argument (a DID), or 'default'"),
      checks: z.array(z.string()),
      unknown: z.string(),
      blocked: z.string(),
      machine: z.string().nullable(),
      announce: z
        .string()
        .describe('always, when-unsure or never: callers put to the person asked for first'),
      blockAnonymous: z.boolean(),
      pinSet: z.string().nullable(),
    }),
  ),
});
export type Routing = z.infer<typeof routing>;

function describeTarget(d: Destination): string {
  if ('action' in d) return d.action === 'sit' ? 'SIT tone, then hang up' : `hang up (${d.cause})`;
  return `dialplan ${d.context},${d.extension},${d.priority}${d.announce ? ` (announce: ${d.announce})` : ''}`;
}

/**
 * The configured destinations and routes, read-only (they live in the config file). Fields are
 * picked one by one so that nothing secret in the config (ARI password, extension PINs) can leak.
 */
export const routingRoutes =
  (deps: { config: Config }): FastifyPluginAsyncZod =>
  async (app) => {
    const { config } = deps;
    const view: Routing = {
      // `announce`: the person asked for sent the caller elsewhere (src/calls/announced-verdict.ts).
      checks: [...ROUTE_CHECKS, 'announce', 'default'],
      destinations: Object.entries(config.destinations).map(([name, d]) => ({
        name,
        target: describeTarget(d),
      })),
      routes: Object.entries(config.routes).map(([name, r]) => ({
        name,
        checks: r.checks,
        unknown: r.unknown,
        blocked: r.blocked,
        machine: r.machine ?? null,
        announce: r.announce,
        blockAnonymous: r.blockAnonymous,
        pinSet: r.pin?.set ?? null,
      })),
    };
    app.get(
      '/api/routing',
      {
        schema: {
          summary: 'The destinations and routes from the config (read-only)',
          tags: ['settings'],
          response: { 200: routing },
        },
      },
      async () => view,
    );
  };

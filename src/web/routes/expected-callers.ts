import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireDestination } from '../../config/destinations.js';
import type { Config } from '../../config/schema.js';
import { NotFoundError } from '../../errors.js';
import { MAX_PASS_HOURS } from '../../match/expected-callers.js';
import { ExpectedCallerStore } from '../../store/expected-caller-store.js';
import type { Store } from '../../store/store.js';
import { errorResponses, idParam } from '../schemas.js';
import type { Invalidatable } from '../server.js';

const pass = z.object({
  id: z.string(),
  words: z.array(z.string()),
  numberPrefix: z.string().nullable(),
  destination: z.string(),
  expiresAt: z.string(),
  note: z.string().nullable(),
});
export type ExpectedCallerView = z.infer<typeof pass>;

/**
 * Expected callers: "my bank will call back within 4 hours". A pass's words join the grammar
 * at once (`refresh`: the directory is reloaded) and leave it when the pass ends.
 */
export const expectedCallerRoutes =
  (deps: {
    config: Config;
    store: Store;
    refresh?: (() => Promise<void>) | undefined;
    numberRules?: Invalidatable | undefined;
  }): FastifyPluginAsyncZod =>
  async (app) => {
    const passes = new ExpectedCallerStore(deps.store);
    const refresh = async () => {
      deps.numberRules?.invalidate();
      await deps.refresh?.();
    };
    app.get(
      '/api/expected-callers',
      {
        schema: {
          summary: 'Expected-caller passes that have not ended',
          tags: ['expected callers'],
          response: { 200: z.object({ items: z.array(pass) }) },
        },
      },
      async () => ({ items: await passes.active() }),
    );

    app.post(
      '/api/expected-callers',
      {
        schema: {
          summary: 'Expect a caller: the words they will name, where they go, for how many hours',
          tags: ['expected callers'],
          body: z
            .object({
              words: z.array(z.string().max(60)).max(5).default([]),
              numberPrefix: z.string().max(20).nullable().optional(),
              destination: z.string().min(1).max(64),
              hours: z.number().positive().max(MAX_PASS_HOURS),
              note: z.string().max(1000).nullable().optional(),
            })
            .strict(),
          response: { 201: pass, ...errorResponses(400) },
        },
      },
      async (request, reply) => {
        const { words, numberPrefix = null, destination, hours, note = null } = request.body;
        requireDestination(deps.config.destinations, destination, 'the expected caller');
        const expiresAt = new Date(Date.now() + hours * 3_600_000).toISOString();
        const added = await passes.add({ words, numberPrefix, destination, expiresAt, note });
        await refresh();
        return reply.code(201).send(added);
      },
    );

    app.delete(
      '/api/expected-callers/:id',
      {
        schema: {
          summary: 'End a pass now',
          tags: ['expected callers'],
          params: idParam,
          response: { 204: z.null(), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        if (!(await passes.remove(request.params.id)))
          throw new NotFoundError('expected caller', request.params.id);
        await refresh();
        return reply.code(204).send(null);
      },
    );
  };

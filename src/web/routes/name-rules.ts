import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireDestination } from '../../config/destinations.js';
import type { Config } from '../../config/schema.js';
import { NotFoundError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import { errorResponses, idParam } from '../schemas.js';
import type { Invalidatable } from '../server.js';

const rule = z.object({
  id: z.string(),
  kind: z.enum(['exact', 'regex']),
  pattern: z.string(),
  list: z.enum(['allow', 'block']),
  destination: z.string().nullable(),
});
export type NameRuleView = z.infer<typeof rule>;

/**
 * Caller-ID name rules, for the block list (the default) or the allow list, each with an
 * optional destination; unsafe regexes are refused with the reason.
 */
export const nameRuleRoutes =
  (deps: { config: Config; store: Store; nameRules?: Invalidatable | undefined }): FastifyPluginAsyncZod =>
  async (app) => {
    const { store } = deps;
    app.get(
      '/api/name-rules',
      {
        schema: {
          summary: 'List caller-ID name rules',
          tags: ['name rules'],
          response: { 200: z.object({ items: z.array(rule) }) },
        },
      },
      async () => ({ items: await store.nameRules() }),
    );

    app.post(
      '/api/name-rules',
      {
        schema: {
          summary: 'Add a name rule (exact: folded name; regex: refused if it could backtrack)',
          tags: ['name rules'],
          body: z
            .object({
              kind: z.enum(['exact', 'regex']),
              pattern: z.string().min(1).max(255),
              list: z.enum(['allow', 'block']).optional(),
              destination: z.string().max(64).nullable().optional(),
              note: z.string().max(1000).nullable().optional(),
            })
            .strict(),
          response: { 201: rule, ...errorResponses(400) },
        },
      },
      async (request, reply) => {
        const { kind, pattern, ...opts } = request.body;
        if (opts.destination) requireDestination(deps.config.destinations, opts.destination, 'the rule');
        const added = await store.addNameRule(kind, pattern, opts);
        deps.nameRules?.invalidate();
        return reply.code(201).send(added);
      },
    );

    app.delete(
      '/api/name-rules/:id',
      {
        schema: {
          summary: 'Remove a name rule',
          tags: ['name rules'],
          params: idParam,
          response: { 204: z.null(), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        if (!(await store.removeNameRule(request.params.id)))
          throw new NotFoundError('name rule', request.params.id);
        deps.nameRules?.invalidate();
        return reply.code(204).send(null);
      },
    );
  };

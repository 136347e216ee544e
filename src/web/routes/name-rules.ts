import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import { errorResponses, idParam } from '../schemas.js';
import type { Invalidatable } from '../server.js';

const rule = z.object({ id: z.string(), kind: z.enum(['exact', 'regex']), pattern: z.string() });
export type NameRuleView = z.infer<typeof rule>;

/** Caller-ID name rules (checked by the block list); unsafe regexes are refused with the reason. */
export const nameRuleRoutes =
  (deps: { store: Store; nameRules?: Invalidatable | undefined }): FastifyPluginAsyncZod =>
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
              note: z.string().max(1000).nullable().optional(),
            })
            .strict(),
          response: { 201: rule, ...errorResponses(400) },
        },
      },
      async (request, reply) => {
        const { kind, pattern, note } = request.body;
        const added = await store.addNameRule(kind, pattern, note ?? null);
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

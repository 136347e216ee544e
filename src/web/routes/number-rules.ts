import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireDestination } from '../../config/destinations.js';
import type { Config } from '../../config/schema.js';
import { NotFoundError } from '../../errors.js';
import { NumberRuleStore } from '../../store/number-rule-store.js';
import type { Store } from '../../store/store.js';
import { errorResponses, idParam } from '../schemas.js';
import type { Invalidatable } from '../server.js';

const rule = z.object({
  id: z.string(),
  list: z.enum(['allow', 'block']),
  kind: z.enum(['prefix', 'range', 'neighbour']),
  pattern: z.string(),
  destination: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
});
export type NumberRuleView = z.infer<typeof rule>;

/**
 * Number rules for both lists: a prefix (a country, an area code), a range of numbers, or a
 * neighbour rule (callers whose first digits are the number called's), each with its own
 * destination. A number listed by itself wins over any rule.
 */
export const numberRuleRoutes =
  (deps: { config: Config; store: Store; numberRules?: Invalidatable | undefined }): FastifyPluginAsyncZod =>
  async (app) => {
    const rules = new NumberRuleStore(deps.store);
    app.get(
      '/api/number-rules',
      {
        schema: {
          summary: 'List prefix, range and neighbour rules',
          tags: ['number rules'],
          response: { 200: z.object({ items: z.array(rule) }) },
        },
      },
      async () => ({ items: await rules.list() }),
    );

    app.post(
      '/api/number-rules',
      {
        schema: {
          summary: 'Add a rule: prefix +1900, range +1555010-+1555019, or neighbour N (leading digits)',
          tags: ['number rules'],
          body: z
            .object({
              list: z.enum(['allow', 'block']),
              kind: z.enum(['prefix', 'range', 'neighbour']),
              pattern: z.string().min(1).max(64),
              destination: z.string().max(64).nullable().optional(),
              note: z.string().max(1000).nullable().optional(),
            })
            .strict(),
          response: { 201: rule, ...errorResponses(400) },
        },
      },
      async (request, reply) => {
        const { destination = null, note = null, ...r } = request.body;
        if (destination) requireDestination(deps.config.destinations, destination, 'the rule');
        const added = await rules.add({ ...r, destination, note });
        deps.numberRules?.invalidate();
        return reply.code(201).send(added);
      },
    );

    app.delete(
      '/api/number-rules/:id',
      {
        schema: {
          summary: 'Remove a number rule',
          tags: ['number rules'],
          params: idParam,
          response: { 204: z.null(), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        if (!(await rules.remove(request.params.id)))
          throw new NotFoundError('number rule', request.params.id);
        deps.numberRules?.invalidate();
        return reply.code(204).send(null);
      },
    );
  };

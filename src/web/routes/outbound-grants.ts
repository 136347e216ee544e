import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import { OutboundGrantStore } from '../../store/outbound-grant-store.js';
import type { Store } from '../../store/store.js';
import { errorResponses } from '../schemas.js';

const grant = z.object({
  extension: z.string(),
  expiresAt: z.string(),
  grantedAt: z.string(),
});
export type OutboundGrantView = z.infer<typeof grant>;

/** Outbound PIN grants (made from a phone with the feature code and its PIN): list, revoke. */
export const outboundGrantRoutes =
  (deps: { store: Store }): FastifyPluginAsyncZod =>
  async (app) => {
    const grants = new OutboundGrantStore(deps.store);
    app.get(
      '/api/outbound-grants',
      {
        schema: {
          summary: 'Extensions allowed to call out now, after their PIN',
          tags: ['outbound'],
          response: { 200: z.object({ items: z.array(grant) }) },
        },
      },
      async () => ({ items: await grants.active() }),
    );

    app.delete(
      '/api/outbound-grants/:extension',
      {
        schema: {
          summary: "End an extension's grant now: its next outside call needs the PIN again",
          tags: ['outbound'],
          params: z.object({ extension: z.string().regex(/^[0-9]{1,16}$/, 'an extension number') }),
          response: { 204: z.null(), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        if (!(await grants.revoke(request.params.extension)))
          throw new NotFoundError('outbound grant', request.params.extension);
        return reply.code(204).send(null);
      },
    );
  };

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ScreeningChanges } from '../../events/screening-watch.js';
import { bypassEnd, isBypassed } from '../../policy/checks/bypass.js';
import { readBypass, setBypassFor, setScreening } from '../../store/screening-state.js';
import type { Store } from '../../store/store.js';

const state = z.object({
  on: z.boolean().describe('the screening switch'),
  bypassUntil: z.string().nullable().describe('end of a timed bypass still running'),
  bypassed: z.boolean().describe('calls go through unscreened now (switched off, or a bypass running)'),
});
export type ScreeningState = z.infer<typeof state>;

/**
 * The screening switch and timed bypass: the same settings as `doorman screening` and the *28
 * feature code. Inside Doorman a change goes through the running app's watch (`screening`), so
 * the next call sees it at once and receivers hear it was the API's.
 */
export const screeningRoutes =
  (deps: { store: Store; screening?: ScreeningChanges | undefined }): FastifyPluginAsyncZod =>
  async (app) => {
    const { store } = deps;
    const current = async () => {
      const s = await readBypass(store);
      const now = new Date();
      return {
        on: !s.off,
        bypassUntil: bypassEnd(s, now)?.toISOString() ?? null,
        bypassed: isBypassed(s, now),
      };
    };
    const change = async (write: () => Promise<unknown>) => {
      await (deps.screening ? deps.screening.change('api', write) : write());
      return current();
    };

    app.get(
      '/api/screening',
      {
        schema: {
          summary: 'Is screening on? Is a bypass running?',
          tags: ['screening'],
          response: { 200: state },
        },
      },
      current,
    );

    app.post(
      '/api/screening',
      {
        schema: {
          summary: 'Switch screening on or off (on also ends a timed bypass, as the feature code does)',
          tags: ['screening'],
          body: z.object({ on: z.boolean() }).strict(),
          response: { 200: state },
        },
      },
      async (request) =>
        change(async () => {
          await setScreening(store, request.body.on);
          if (request.body.on) await setBypassFor(store, 0);
        }),
    );

    app.post(
      '/api/screening/bypass',
      {
        schema: {
          summary: 'Let every call through unscreened for some minutes (0 ends a bypass)',
          tags: ['screening'],
          body: z
            .object({
              minutes: z
                .number()
                .int()
                .min(0)
                .max(7 * 24 * 60),
            })
            .strict(),
          response: { 200: state },
        },
      },
      async (request) => change(() => setBypassFor(store, request.body.minutes)),
    );
  };

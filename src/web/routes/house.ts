import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import { HOUSE_MODES } from '../../config/sections/house.js';
import { describeHouseMode } from '../../policy/house-mode.js';
import { readHouseMode, setHouseMode } from '../../store/house-mode.js';
import type { Store } from '../../store/store.js';
import type { Invalidatable } from '../server.js';

const state = z.object({
  mode: z.enum(HOUSE_MODES),
  destination: z.string().nullable().describe('where callers who pass go in this mode (null: their own)'),
  announce: z.string().nullable().describe("the mode's announce setting (null: the routes' own)"),
  summary: z.string().describe('what the mode changes, in words'),
});

export type HouseState = z.infer<typeof state>;

/** Home or away: the same setting as `doorman house` and the MQTT `set/house` command. */
export const houseRoutes =
  (deps: { config: Config; store: Store; house?: Invalidatable | undefined }): FastifyPluginAsyncZod =>
  async (app) => {
    const current = async () => {
      const mode = await readHouseMode(deps.store);
      const b = deps.config.house[mode];
      return {
        mode,
        destination: b.destination ?? null,
        announce: b.announce ?? null,
        summary: describeHouseMode(b),
      };
    };
    app.get(
      '/api/house',
      {
        schema: {
          summary: 'Home or away, and what that changes',
          tags: ['screening'],
          response: { 200: state },
        },
      },
      current,
    );
    app.post(
      '/api/house',
      {
        schema: {
          summary: 'Switch between home and away (house.home / house.away say what each changes)',
          tags: ['screening'],
          body: z.object({ mode: z.enum(HOUSE_MODES) }).strict(),
          response: { 200: state },
        },
      },
      async (request) => {
        await setHouseMode(deps.store, request.body.mode);
        deps.house?.invalidate();
        return current();
      },
    );
  };

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import { importPinsCsv } from '../../lists/pin-csv.js';
import { PIN_PATTERN } from '../../policy/pin-code.js';
import type { PinSets } from '../../store/pin-sets.js';
import { errorResponses } from '../schemas.js';

const IMPORT_LIMIT = 5 * 1024 * 1024;

const setName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a PIN set name: lower-case letters, digits, _ and -');
const setParam = z.object({ set: setName });
const labelParam = z.object({ set: setName, label: z.string().min(1).max(80) });
const summary = z.object({
  name: z.string(),
  hashed: z.boolean(),
  sealed: z.boolean(),
  pins: z.number().int(),
  note: z.string().nullable(),
  createdAt: z.string(),
});
export type PinSetSummary = z.infer<typeof summary>;

/**
 * PIN sets for PIN routes and outbound PIN protect. PINs go in (one by one, or as a CSV) and
 * never come out, except from sets created unhashed; they are not in any URL, so access logs
 * cannot hold them.
 */
export const pinSetRoutes =
  (deps: { pins: PinSets }): FastifyPluginAsyncZod =>
  async (app) => {
    const { pins } = deps;
    app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: IMPORT_LIMIT }, (_req, body, done) =>
      done(null, body),
    );

    app.get(
      '/api/pin-sets',
      {
        schema: {
          summary: 'List PIN sets with how many PINs each holds',
          tags: ['PIN sets'],
          response: { 200: z.object({ items: z.array(summary) }) },
        },
      },
      async () => ({ items: await pins.listSets() }),
    );

    app.post(
      '/api/pin-sets',
      {
        schema: {
          summary: 'Create a PIN set (hashed: PINs kept only as keyed hashes; false: also in the clear)',
          tags: ['PIN sets'],
          body: z
            .object({
              name: setName,
              hashed: z.boolean().default(true),
              note: z.string().max(1000).nullable().optional(),
            })
            .strict(),
          response: { 201: summary, ...errorResponses(400, 409) },
        },
      },
      async (request, reply) => {
        const { name, hashed, note } = request.body;
        await pins.createSet(name, { hashed, note: note ?? null });
        const created = (await pins.listSets()).find((s) => s.name === name);
        if (!created) throw new NotFoundError('PIN set', name); // deleted at once by someone else
        return reply.code(201).send(created);
      },
    );

    app.delete(
      '/api/pin-sets/:set',
      {
        schema: {
          summary: 'Delete a PIN set and its PINs',
          tags: ['PIN sets'],
          params: setParam,
          response: { 204: z.null(), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        if (!(await pins.deleteSet(request.params.set)))
          throw new NotFoundError('PIN set', request.params.set);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/pin-sets/:set/pins',
      {
        schema: {
          summary: "A set's labels (and PINs, for sets kept in the clear)",
          tags: ['PIN sets'],
          params: setParam,
          response: {
            200: z.object({
              items: z.array(
                z.object({ label: z.string(), pin: z.string().nullable(), createdAt: z.string() }),
              ),
            }),
            ...errorResponses(404),
          },
        },
      },
      async (request) => ({ items: await pins.listPins(request.params.set) }),
    );

    app.put(
      '/api/pin-sets/:set/pins/:label',
      {
        schema: {
          summary: 'Give a label a PIN (adds the label, or replaces its PIN)',
          tags: ['PIN sets'],
          params: labelParam,
          body: z.object({ pin: z.string().regex(PIN_PATTERN, '3 to 16 keypad digits (0-9, *)') }).strict(),
          response: {
            200: z.object({ result: z.enum(['added', 'updated']) }),
            ...errorResponses(400, 404, 409, 429, 503),
          },
        },
      },
      async (request) => ({
        result: await pins.putPin(request.params.set, request.params.label, request.body.pin),
      }),
    );

    app.delete(
      '/api/pin-sets/:set/pins/:label',
      {
        schema: {
          summary: 'Remove a label and its PIN',
          tags: ['PIN sets'],
          params: labelParam,
          response: { 204: z.null(), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        if (!(await pins.removePin(request.params.set, request.params.label)))
          throw new NotFoundError('PIN label', request.params.label);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/pin-sets/:set/import',
      {
        schema: {
          summary: 'Import PINs as CSV (columns: label,pin); bad rows reported by line, PINs never echoed',
          tags: ['PIN sets'],
          consumes: ['text/csv'],
          params: setParam,
          body: z.string(),
          response: {
            200: z.object({
              imported: z.number().int(),
              rejected: z.array(z.object({ line: z.number().int(), reason: z.string() })),
            }),
            ...errorResponses(400, 404, 413, 415),
          },
        },
      },
      async (request) => importPinsCsv(pins, request.params.set, request.body, 'the CSV'),
    );

    app.delete(
      '/api/pin-lockouts/:caller',
      {
        schema: {
          summary:
            "Forget a caller's wrong PINs (ends a lockout); caller: the number as stored, or ext:EXTENSION",
          tags: ['PIN sets'],
          params: z.object({ caller: z.string().min(1).max(64) }),
          response: { 200: z.object({ cleared: z.number().int() }) },
        },
      },
      async (request) => ({ cleared: await pins.clearFailures(request.params.caller) }),
    );
  };

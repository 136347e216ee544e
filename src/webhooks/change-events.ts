import { randomUUID } from 'node:crypto';
import type { OpenAPIV3, OpenAPIV3_1 } from 'openapi-types';
import { z } from 'zod';
import {
  type CallerChange,
  callerListed as callerListedChange,
  callersImported,
  type ScreeningChange,
  screeningChange,
} from '../events/change-feed.js';

/** Screening switched on or off, or a timed bypass started or ended early. */
export type ScreeningChangedEvent = { id: string; type: 'screening.changed' } & ScreeningChange;

/** A number added to, moved between or removed from the lists; or one summary of an import. */
export type CallerListedEvent = { id: string; type: 'caller.listed' } & CallerChange;

export const screeningChanged = (change: ScreeningChange): ScreeningChangedEvent => ({
  id: `screening.changed:${randomUUID()}`,
  type: 'screening.changed',
  ...change,
});

export const callerListed = (change: CallerChange): CallerListedEvent => ({
  id: `caller.listed:${randomUUID()}`,
  type: 'caller.listed',
  ...change,
});

/** The change events as OpenAPI 3.1 `webhooks`, from the schemas the events are typed by. */
export function changeWebhooksDoc(): Record<string, OpenAPIV3_1.PathItemObject> {
  const envelope = <T extends string>(type: T) => ({
    id: z.string().describe('unique per event (X-Doorman-Event-Id): drop a delivery you already have'),
    type: z.literal(type),
  });
  const post = (summary: string, schema: z.ZodType): OpenAPIV3_1.PathItemObject => {
    // JSON Schema 2020-12, which OpenAPI 3.1 takes as it is; openapi-types cannot say so (the cast).
    const { $schema: _, ...json } = z.toJSONSchema(schema);
    return {
      post: {
        summary,
        description:
          'Sent only to receivers whose `webhooks.endpoints[].events` names it; signed like every ' +
          'delivery (X-Doorman-Signature).',
        requestBody: {
          content: {
            'application/json': {
              schema: json as OpenAPIV3.NonArraySchemaObject & OpenAPIV3_1.NonArraySchemaObject,
            },
          },
        },
        responses: { '2XX': { description: 'delivered' } },
      },
    };
  };
  return {
    'screening.changed': post(
      'Screening switched on or off, or a timed bypass started or ended early',
      screeningChange.extend(envelope('screening.changed')),
    ),
    'caller.listed': post(
      'A number added to, moved between or removed from the lists; one summary per import',
      z.discriminatedUnion('action', [
        callerListedChange.extend(envelope('caller.listed')),
        callersImported.extend(envelope('caller.listed')),
      ]),
    ),
  };
}

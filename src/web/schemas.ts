import { z } from 'zod';

/** The body of every error answer. */
export const errorBody = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  code: z.string(),
  message: z.string(),
});

/** Response schemas for the error statuses a route can answer with (for the OpenAPI document). */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, errorBody])) as Record<number, typeof errorBody>;

/** Ids in paths are UUIDs or channel-like ids: never a path, never a dot-dot. */
export const idParam = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'an id: letters, digits, _ and -'),
});

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

/** Up to 1000 ids, for bulk actions. */
export const idList = z.array(idParam.shape.id).min(1).max(1000);

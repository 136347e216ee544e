import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DoormanError, InvalidInputError, NotFoundError, StoreError, TimeoutError } from '../errors.js';
import { ImportFailedError } from '../lists/caller-lists.js';
import { DirectoryError } from '../match/directory.js';
import { NameRuleError } from '../match/name-rules.js';
import { NumberRuleError } from '../match/number-rules.js';
import { PinError } from '../policy/pin-code.js';

/** A refusal the HTTP layer decides itself (authentication, CSRF, rate limit, a path outside a folder). */
export class HttpError extends DoormanError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    context: Record<string, unknown> = {},
  ) {
    super(code, message, context);
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The status and message a client sees for an error; internals of unexpected errors stay in the log. */
export function describeError(err: unknown): { status: number; code: string; message: string } {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as { validationContext?: string }).validationContext ?? 'request';
    const problems = err.validation.map((v) => {
      const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      return `${where}${path ? `.${path}` : ''}: ${v.message}`;
    });
    return { status: 400, code: 'INVALID_REQUEST', message: problems.join('; ') };
  }
  if (err instanceof HttpError) return { status: err.status, code: err.code, message: err.message };
  if (
    err instanceof InvalidInputError ||
    err instanceof NameRuleError ||
    err instanceof NumberRuleError ||
    err instanceof DirectoryError
  )
    return { status: 400, code: err.code, message: err.message };
  if (err instanceof NotFoundError) return { status: 404, code: err.code, message: err.message };
  if (err instanceof PinError) {
    const status =
      err.code === 'PIN_SET_UNKNOWN'
        ? 404
        : err.code === 'PIN_SET_EXISTS' || err.code === 'PIN_TAKEN'
          ? 409
          : err.code === 'PIN_SET_COOLING'
            ? 429
            : err.code === 'PIN_KEY_MISSING' || err.code === 'PIN_KEY_WRONG'
              ? 503
              : 400;
    return { status, code: err.code, message: err.message };
  }
  if (err instanceof ImportFailedError) return { status: 503, code: 'IMPORT_PARTIAL', message: err.message };
  if (
    err instanceof TimeoutError ||
    err instanceof StoreError ||
    (err as DoormanError)?.code === 'MIGRATION_FAILED'
  )
    return { status: 503, code: 'DATABASE_UNAVAILABLE', message: 'the database did not answer; try again' };
  const fe = err as FastifyError;
  // Fastify's own 4xx (malformed JSON, empty body, wrong content type, too large) say what is wrong.
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
    return { status: fe.statusCode, code: fe.code ?? 'BAD_REQUEST', message: fe.message };
  return { status: 500, code: 'INTERNAL', message: 'internal error (logged)' };
}

export function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, code, message } = describeError(err);
  if (status >= 500) request.log.error({ err }, 'request failed');
  else request.log.info({ code, status }, message);
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ statusCode: status, error: REASONS[status] ?? 'Error', code, message });
}

/** Base of every error Doorman throws on purpose: a stable code and the context to act on it. */
export class DoormanError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A configuration value is missing or wrong; `key` is its dotted path (e.g. `ari.url`). */
export class ConfigError extends DoormanError {
  constructor(
    readonly key: string,
    problem: string,
    readonly source: string,
  ) {
    super('CONFIG_INVALID', `${key}: ${problem} (from ${source})`, { key, source });
  }
}

/** An external call did not answer within its deadline. */
export class TimeoutError extends DoormanError {
  constructor(what: string, ms: number, context: Record<string, unknown> = {}) {
    super('TIMEOUT', `${what} did not finish within ${ms} ms`, { ...context, what, ms });
  }
}

/** An ARI request failed; `status` is the HTTP status when Asterisk answered at all. */
export class AriError extends DoormanError {
  constructor(
    readonly operation: string,
    readonly status: number | undefined,
    detail: string,
    context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(
      'ARI_FAILED',
      `ARI ${operation} failed${status ? ` (HTTP ${status})` : ''}: ${detail}`,
      { ...context, operation, status },
      options,
    );
  }
}

/** The call ended (caller hung up) while Doorman was still working on it. */
export class CallGoneError extends DoormanError {
  constructor(channelId: string) {
    super('CALL_GONE', `channel ${channelId} hung up`, { channelId });
  }
}

/** Something a person typed or uploaded is wrong (a number, a date, a destination, a CSV); the message says what to fix. */
export class InvalidInputError extends DoormanError {}

/** A record asked for by id does not exist. */
export class NotFoundError extends DoormanError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `no ${what} with id "${id.slice(0, 100)}"`, { what, id: id.slice(0, 100) });
  }
}

/** The store cannot be used as configured (a `store.url` it does not know). */
export class StoreError extends DoormanError {}

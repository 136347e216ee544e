import type { Logger } from 'pino';
import type { CallReport } from '../calls/call-report.js';
import type { Config } from '../config/schema.js';
import { callFinished } from './call-event.js';
import { WebhookOutbox } from './outbox.js';

/** Every configured receiver hears of every finished call, each through its own durable outbox. */
export class Webhooks {
  readonly outboxes: WebhookOutbox[];

  constructor(
    private readonly config: Config['webhooks'],
    logger: Logger,
  ) {
    this.outboxes = config.endpoints.map(
      (e) =>
        new WebhookOutbox(
          e,
          config.outboxDir,
          { minMs: config.retryMinMs, maxMs: config.retryMaxMs },
          logger,
        ),
    );
  }

  start(): void {
    for (const o of this.outboxes) o.start();
  }

  callFinished(report: CallReport): void {
    if (!this.outboxes.length) return;
    const event = callFinished(report, this.config.publicUrl);
    for (const o of this.outboxes) o.enqueue(event);
  }

  async stop(): Promise<void> {
    await Promise.all(this.outboxes.map((o) => o.stop()));
  }
}

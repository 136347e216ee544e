import type { Logger } from 'pino';
import type { CallReport } from '../calls/call-report.js';
import type { LiveEvent } from '../calls/live-feed.js';
import type { Config } from '../config/schema.js';
import type { ChangeFeed } from '../events/change-feed.js';
import { callFinished, callStarted, type WebhookEvent } from './call-event.js';
import { callerListed, screeningChanged } from './change-events.js';
import { WebhookOutbox } from './outbox.js';

/** Every configured receiver hears of the calls and changes it asked for (`events`), each through its own durable outbox. */
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
    this.send('call.finished', () => callFinished(report, this.config.publicUrl));
  }

  callStarted(e: Extract<LiveEvent, { type: 'started' }>): void {
    this.send('call.started', () => callStarted(e));
  }

  /** Screening and list changes, to the receivers that asked for them. */
  follow(changes: ChangeFeed): void {
    changes.on('screening', (c) => this.send('screening.changed', () => screeningChanged(c)));
    changes.on('caller', (c) => this.send('caller.listed', () => callerListed(c)));
  }

  private send(type: WebhookEvent['type'], make: () => WebhookEvent): void {
    const to = this.outboxes.filter((o) => o.events.includes(type));
    if (!to.length) return;
    const event = make();
    for (const o of to) o.enqueue(event);
  }

  async stop(): Promise<void> {
    await Promise.all(this.outboxes.map((o) => o.stop()));
  }
}

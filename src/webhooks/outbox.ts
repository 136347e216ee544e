import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { WebhookEvent } from './call-event.js';
import { signature } from './signature.js';

export interface WebhookEndpoint {
  url: string;
  secret: string;
  timeoutMs: number;
  /** The event types it is sent (`webhooks.endpoints[].events`); `call.finished` when not given. */
  events?: readonly string[];
}

export interface RetryPolicy {
  minMs: number;
  maxMs: number;
}

/**
 * One receiver's deliveries, durable and in order: events are appended to a local file before
 * anything is sent, delivered one at a time oldest first, and a cursor file records how many
 * have been delivered, so a restart resumes where delivery stopped and a receiver outage only
 * delays events. A receiver that refuses an event for good (4xx other than 408/429) does not
 * block the rest: that event moves to a `.rejected` file and is logged.
 */
export class WebhookOutbox {
  private readonly file: string;
  private readonly cursorFile: string;
  private pending: string[];
  private delivered: number;
  private running = false;
  private pumping: Promise<void> | undefined;
  /** Ends the current wait: always on stop, on a new event only when idle (not in a backoff). */
  private wake: ((why: 'stop' | 'event') => void) | undefined;
  private readonly log: Logger;

  /** The event types this receiver asked for. */
  get events(): readonly string[] {
    return this.endpoint.events ?? ['call.finished'];
  }

  constructor(
    private readonly endpoint: WebhookEndpoint,
    dir: string,
    private readonly retry: RetryPolicy,
    logger: Logger,
  ) {
    mkdirSync(dir, { recursive: true });
    const key = createHash('sha256').update(endpoint.url).digest('hex').slice(0, 16);
    this.file = join(dir, `${key}.jsonl`);
    this.cursorFile = join(dir, `${key}.delivered`);
    this.log = logger.child({ component: 'webhooks', url: redact(endpoint.url) });
    const lines = existsSync(this.file) ? readFileSync(this.file, 'utf8').split('\n').filter(Boolean) : [];
    this.delivered = Math.min(
      lines.length,
      Number(existsSync(this.cursorFile) ? readFileSync(this.cursorFile, 'utf8') : 0) || 0,
    );
    this.pending = lines.slice(this.delivered);
    if (this.pending.length)
      this.log.info({ pending: this.pending.length }, 'webhook events from an earlier run to deliver');
  }

  get backlog(): number {
    return this.pending.length;
  }

  /** Kept on disk first, then delivered in turn. */
  enqueue(event: WebhookEvent): void {
    const line = JSON.stringify(event);
    appendFileSync(this.file, `${line}\n`, { flush: true });
    this.pending.push(line);
    this.wake?.('event');
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.pumping = this.pump();
  }

  /** Stops after the delivery in progress; what is left is delivered by the next start. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.('stop');
    await this.pumping;
  }

  private async pump(): Promise<void> {
    let backoff = this.retry.minMs;
    while (this.running) {
      const body = this.pending[0];
      if (body === undefined) {
        this.compact();
        await this.sleep(60_000, true);
        continue;
      }
      const result = await this.send(body);
      if (result === 'retry') {
        await this.sleep(backoff, false);
        backoff = Math.min(backoff * 2, this.retry.maxMs);
        continue;
      }
      backoff = this.retry.minMs;
      if (result === 'rejected') appendFileSync(`${this.file}.rejected`, `${body}\n`);
      this.pending.shift();
      this.delivered++;
      this.saveCursor();
    }
  }

  private async send(body: string): Promise<'delivered' | 'retry' | 'rejected'> {
    const event = JSON.parse(body) as WebhookEvent;
    try {
      const res = await fetch(this.endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'doorman-webhooks/1',
          'x-doorman-event': event.type,
          'x-doorman-event-id': event.id,
          'x-doorman-signature': signature(this.endpoint.secret, body),
        },
        body,
        signal: AbortSignal.timeout(this.endpoint.timeoutMs),
        redirect: 'error',
      });
      await res.body?.cancel().catch(() => {});
      if (res.ok) return 'delivered';
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        this.log.error(
          { status: res.status, event: event.id },
          'webhook receiver refused an event; set aside',
        );
        return 'rejected';
      }
      this.log.warn({ status: res.status, event: event.id }, 'webhook receiver failed; will retry');
    } catch (e) {
      this.log.warn(
        { err: (e as Error).message, event: event.id },
        'webhook receiver unreachable; will retry',
      );
    }
    return 'retry';
  }

  private saveCursor(): void {
    const tmp = `${this.cursorFile}.tmp`;
    writeFileSync(tmp, String(this.delivered));
    renameSync(tmp, this.cursorFile);
  }

  /** Everything delivered: start the file afresh so it does not grow for ever. */
  private compact(): void {
    if (this.delivered === 0) return;
    writeFileSync(this.file, '');
    this.delivered = 0;
    this.saveCursor();
  }

  private sleep(ms: number, newEventsWake: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = (why) => {
        if (why === 'stop' || newEventsWake) done();
      };
    });
  }
}

/** Receivers' URLs may carry tokens in their query or user part: not in the log. */
const redact = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@').replace(/\?.*$/, '?…');

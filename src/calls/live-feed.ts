import { EventEmitter } from 'node:events';
import type { CheckTrace } from '../policy/pipeline.js';

/** What the Live page shows as a call goes through Doorman. */
export type LiveEvent =
  | {
      type: 'started';
      callId: string;
      at: string;
      callerNumber: string;
      callerName: string;
      did: string;
      route: string;
    }
  | { type: 'step'; callId: string; at: string; step: string }
  | { type: 'check'; callId: string; at: string; trace: CheckTrace }
  | {
      type: 'heard';
      callId: string;
      at: string;
      transcript: string;
      outcome: string;
      candidates: Array<{ id: string; score: number }>;
    }
  | {
      type: 'finished';
      callId: string;
      at: string;
      outcome: string;
      destination: string | null;
      reason: string | null;
    };

const RECENT = 20;

/**
 * Calls in progress and what happens to them, as events for anyone watching (the admin API's
 * live stream); keeps each call's events so far, so a new watcher starts with the whole picture.
 */
export class LiveFeed extends EventEmitter<{ event: [LiveEvent] }> {
  private readonly inProgress = new Map<string, LiveEvent[]>();
  private readonly recent: LiveEvent[][] = [];

  constructor() {
    super();
    // Each open page is a listener; a busy office may have many.
    this.setMaxListeners(1_000);
  }

  publish(event: LiveEvent): void {
    const events = this.inProgress.get(event.callId) ?? [];
    events.push(event);
    if (event.type === 'finished') {
      this.inProgress.delete(event.callId);
      this.recent.unshift(events);
      this.recent.length = Math.min(this.recent.length, RECENT);
    } else {
      this.inProgress.set(event.callId, events);
    }
    this.emit('event', event);
  }

  /** Every event of the calls in progress and of the last few finished ones, oldest first. */
  snapshot(): LiveEvent[] {
    return [...[...this.recent].reverse().flat(), ...[...this.inProgress.values()].flat()];
  }
}

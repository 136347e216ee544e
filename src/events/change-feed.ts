import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CALLER_SOURCES, type ListName } from '../store/schema.js';
import type { CallerRow } from '../store/store.js';

const at = z.string().describe('when Doorman saw the change (ISO 8601)');

/** Who changed the screening state: `elsewhere` is a change this Doorman only saw in the database (the CLI, another Doorman). */
export const SCREENING_CHANGED_BY = ['api', 'phone', 'mqtt', 'elsewhere'] as const;
export type ScreeningChangedBy = (typeof SCREENING_CHANGED_BY)[number];

/** Screening switched on or off, or a timed bypass started or ended early (not one that ran out). */
export const screeningChange = z.object({
  screening: z.enum(['on', 'off']).describe('as calls see it: off while switched off or bypassed'),
  bypassUntil: z.string().nullable().describe('the end of a timed bypass now running'),
  by: z
    .enum(SCREENING_CHANGED_BY)
    .describe("who changed it; 'elsewhere': seen in the database (the CLI, another Doorman)"),
  at,
});
export type ScreeningChange = z.infer<typeof screeningChange>;

const list = z.enum(['allow', 'block']);

export const callerListed = z.object({
  action: z
    .enum(['added', 'blocked', 'updated', 'removed'])
    .describe(
      'added/blocked: now on the allow/block list and was not (new, or moved: `from`); ' +
        'updated: the entry there changed; removed: off `list`',
    ),
  number: z.string(),
  list,
  from: list.nullable().describe('the list the number left in the same change (a move)'),
  destination: z.string().nullable(),
  source: z.enum(CALLER_SOURCES),
  addedBy: z.string().nullable(),
  scope: z.string().describe("'' for every call, else the one DID the entry applies to"),
  at,
});
export type CallerListed = z.infer<typeof callerListed>;

/** One summary per import: a list of 100,000 numbers is not 100,000 events. */
export const callersImported = z.object({
  action: z.literal('imported'),
  imported: z.number().int().describe('entries written (added or updated)'),
  rejected: z.number().int().describe('rows refused'),
  addedBy: z.string().nullable(),
  at,
});
export type CallersImported = z.infer<typeof callersImported>;

export const callerChange = z.discriminatedUnion('action', [callerListed, callersImported]);
export type CallerChange = z.infer<typeof callerChange>;

interface Changes {
  screening: [ScreeningChange];
  caller: [CallerChange];
}

/**
 * Changes to the screening state and the caller lists made through this Doorman, for whoever
 * relays them (webhooks, MQTT). Writers report here after the database took the write. A
 * listener that throws is logged, never thrown into the writer: the write is done, and a
 * writer that saw an error would retry it.
 */
export class ChangeFeed extends EventEmitter<Changes> {
  constructor(private readonly log: Logger) {
    super();
  }

  screening(change: ScreeningChange): void {
    this.publish('screening', change);
  }

  /**
   * An entry as a write left it. New entries carry one time as created_at and updated_at
   * (Store.writeCaller); `from` is the list the same change took the number off.
   */
  listed(entry: CallerRow, from: ListName | null = null): void {
    const fresh = from !== null || entry.created_at === entry.updated_at;
    this.publish('caller', {
      ...caller(entry),
      action: fresh ? (entry.list === 'allow' ? 'added' : 'blocked') : 'updated',
      from,
    });
  }

  removed(entry: CallerRow): void {
    this.publish('caller', { ...caller(entry), action: 'removed', from: null });
  }

  imported(report: { imported: number; rejected: readonly unknown[] }, addedBy: string | null): void {
    this.publish('caller', {
      action: 'imported',
      imported: report.imported,
      rejected: report.rejected.length,
      addedBy,
      at: new Date().toISOString(),
    });
  }

  private publish<K extends keyof Changes>(name: K, ...args: Changes[K]): void {
    for (const listener of this.listeners(name) as Array<(...a: Changes[K]) => void>) {
      try {
        listener(...args);
      } catch (e) {
        this.log.error({ err: e, change: name }, 'a change could not be passed on');
      }
    }
  }
}

const caller = (r: CallerRow) => ({
  number: r.number,
  list: r.list,
  destination: r.destination,
  source: r.source,
  addedBy: r.added_by,
  scope: r.scope,
  at: new Date().toISOString(),
});

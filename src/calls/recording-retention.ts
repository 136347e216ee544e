import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';

const DAY_MS = 86_400_000;
const DAY_FOLDER = /^\d{4}-\d{2}-\d{2}$/;

export interface Pruned {
  /** Day folders removed. */
  folders: number;
  /** Calls whose recordings were taken out of the log. */
  calls: number;
}

/**
 * Removes recordings older than `days` (the day folders `RecordingStore` writes) together with
 * their references in the call log. The log goes first: a failure there leaves the files for
 * the next round, so the log never points at a file that is gone because of a half-done prune.
 */
export async function pruneRecordings(
  store: Store,
  dir: string,
  days: number,
  now = new Date(),
): Promise<Pruned> {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const cutoffDay = cutoff.toISOString().slice(0, 10);
  const r = await store.q('write', () =>
    store.db
      .updateTable('calls')
      .set({ recording: null, question_recording: null })
      .where('started_at', '<', `${cutoffDay}T00:00:00.000Z`)
      .where((eb) => eb.or([eb('recording', 'is not', null), eb('question_recording', 'is not', null)]))
      .executeTakeFirst(),
  );
  const folders = (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter(
    (d) => d.isDirectory() && DAY_FOLDER.test(d.name) && d.name < cutoffDay,
  );
  for (const d of folders) await rm(join(dir, d.name), { recursive: true, force: true });
  return { folders: folders.length, calls: Number(r.numUpdatedRows) };
}

/** Prunes at start and then every hour, while `recordings.retentionDays` is set. */
export function keepRecordingsFor(store: Store, dir: string, days: number, log: Logger): () => void {
  if (days <= 0) return () => {};
  const round = () =>
    pruneRecordings(store, dir, days).then(
      (p) => (p.folders || p.calls) && log.info(p, `recordings older than ${days} days removed`),
      (e) => log.warn({ err: e }, 'recordings not pruned this time (tried again in an hour)'),
    );
  void round();
  const timer = setInterval(round, 3_600_000).unref();
  return () => clearInterval(timer);
}

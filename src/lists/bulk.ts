/**
 * Limits and batch size of the bulk jobs (caller CSV import, caller and call CSV exports), in
 * one place. SQLite answers synchronously, so each query holds the event loop for its length:
 * bulk jobs work in batches (IMPORT_BATCH, EXPORT_BATCH rows) and let calls run between batches.
 */

/**
 * Rows written per batch of an import (one transaction each): some 10-30 ms of SQLite work on a
 * slow 2-core machine, so a commit or a WAL checkpoint on top still stays well under 100 ms.
 */
export const IMPORT_BATCH = 100;

/** Rows read per batch of an export (keyset-paged on an index): a few milliseconds each. */
export const EXPORT_BATCH = 500;

/** The most data rows one caller CSV import may hold (the whole file is refused above it). */
export const IMPORT_MAX_ROWS = 200_000;

/** The largest caller CSV upload the admin API accepts (answered 413 above it). */
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;

/** Lets timers, sockets and calls run before the next batch. */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Writes to an output stream, honouring backpressure: waits for 'drain' when the stream's
 * buffer is full, and fails (ending the job) when the stream closes first (a client gone).
 */
export async function writeTo(
  out: NodeJS.WritableStream & { destroyed?: boolean },
  s: string,
): Promise<void> {
  if (out.destroyed) throw new Error('the output closed before the job finished');
  if (out.write(s)) return;
  await new Promise<void>((resolve, reject) => {
    const settle = (e?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', settle);
      if (e) reject(e);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error('the output closed before the job finished'));
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', settle);
  });
}

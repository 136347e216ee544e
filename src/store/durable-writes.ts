import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { ChangeFeed } from '../events/change-feed.js';
import { otherList } from './schema.js';
import type { CallerInput, CallRow, Store } from './store.js';

export type WriteOp =
  | { op: 'upsertCaller'; input: CallerInput }
  | { op: 'addCallerIfAbsent'; input: CallerInput }
  | { op: 'fileCaller'; input: CallerInput }
  | { op: 'recordHit'; id: string }
  | { op: 'recordCall'; call: CallRow };

/** Tries of a write the database answers but refuses, before it is set aside. */
const REFUSALS_BEFORE_SET_ASIDE = 3;

/**
 * List writes made during calls (allowlisting, hit counts, the call log) must survive the
 * database being down. Each write is tried at once; one that fails goes, in order, to an
 * append-only local file that is replayed until the database takes it. While anything is
 * queued, new writes queue behind it so their order holds. A write the database keeps refusing
 * while it answers otherwise (a value it cannot hold) would block every write behind it for
 * good: after a few refusals it is set aside in `<queue>.refused.jsonl` with the reason, and
 * reported, and the rest go on. A list change is reported to the change feed when the database
 * takes it, not when it is queued: what receivers hear is what the lists hold.
 */
export class DurableWrites {
  private queued: WriteOp[];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** Direct writes not yet answered (a write that fails joins the queue). */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly log: Logger;
  /** Refusals of the write at the head of the queue while the database answered. */
  private headRefusals = 0;
  private setAside = 0;

  constructor(
    private readonly store: Store,
    private readonly file: string,
    logger: Logger,
    private readonly retryMs = 2_000,
    private readonly changes?: ChangeFeed,
  ) {
    this.log = logger.child({ component: 'writes' });
    mkdirSync(dirname(file), { recursive: true });
    this.queued = this.load();
    if (this.queued.length) {
      this.log.warn({ pending: this.queued.length, file }, 'replaying writes queued by an earlier run');
      this.schedule();
    }
  }

  get pending(): number {
    return this.queued.length;
  }

  /** Writes set aside since start, the database having refused them (see the refused file). */
  get refused(): number {
    return this.setAside;
  }

  async write(op: WriteOp): Promise<void> {
    if (!this.queued.length) {
      const applying = this.apply(op);
      this.inFlight.add(applying);
      try {
        await applying;
        return;
      } catch (e) {
        this.log.warn({ err: e, op: op.op }, 'database write failed; queued locally');
      } finally {
        this.inFlight.delete(applying);
      }
    }
    this.queued.push(op);
    appendFileSync(this.file, `${JSON.stringify(op)}\n`, { flush: true });
    this.schedule();
  }

  /**
   * Waits for writes under way, then tries to write everything queued; resolves when done or
   * when the database fails again.
   */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    this.flushing ??= this.replay().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  close(): void {
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().then(() => {
        if (this.queued.length) this.schedule();
      });
    }, this.retryMs);
    this.timer.unref();
  }

  private async replay(): Promise<void> {
    let done = 0;
    for (const op of this.queued) {
      try {
        await this.apply(op);
        this.headRefusals = 0;
        done++;
      } catch (e) {
        if (!(await this.refusedWhileUp(op, e))) break;
        done++;
      }
    }
    if (!done) return;
    this.queued = this.queued.slice(done);
    // Rewrite, then rename: a crash mid-way leaves the old file (replayed again), never a torn one.
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, this.queued.map((o) => `${JSON.stringify(o)}\n`).join(''), { flush: true });
    renameSync(tmp, this.file);
    this.log.info({ written: done, pending: this.queued.length }, 'queued writes replayed');
  }

  /**
   * Whether `op`, which just failed, is set aside: only when the database answers a ping (it
   * is up and refuses this write) for the third time in a row. A database that is down keeps
   * everything queued.
   */
  private async refusedWhileUp(op: WriteOp, e: unknown): Promise<boolean> {
    const up = await this.store.ping().then(
      () => true,
      () => false,
    );
    if (!up) {
      this.log.debug({ err: e }, 'database still unavailable');
      return false;
    }
    if (++this.headRefusals < REFUSALS_BEFORE_SET_ASIDE) {
      this.log.warn(
        { err: e, op: op.op, refusals: this.headRefusals },
        'the database refused a queued write',
      );
      return false;
    }
    this.headRefusals = 0;
    this.setAside++;
    const reason = e instanceof Error ? e.message : String(e);
    appendFileSync(this.refusedFile, `${JSON.stringify({ at: new Date().toISOString(), reason, op })}\n`, {
      flush: true,
    });
    this.log.error(
      { err: e, op: op.op, file: this.refusedFile },
      'the database keeps refusing a write: set aside so the writes behind it go on',
    );
    return true;
  }

  /** Where writes the database refused are kept, for an admin to look at (and nothing lost). */
  get refusedFile(): string {
    return this.file.replace(/(\.jsonl)?$/, '.refused.jsonl');
  }

  private async apply(op: WriteOp): Promise<unknown> {
    switch (op.op) {
      case 'upsertCaller': {
        const entry = await this.store.upsertCaller(op.input);
        this.changes?.listed(entry);
        return;
      }
      case 'addCallerIfAbsent': {
        const added = await this.store.addCallerIfAbsent(op.input);
        if (added) this.changes?.listed(added);
        return;
      }
      case 'fileCaller': {
        const { entry, removedFromOther } = await this.store.fileCaller(op.input);
        this.changes?.listed(entry, removedFromOther ? otherList(entry.list) : null);
        return;
      }
      case 'recordHit':
        return this.store.recordHit(op.id);
      case 'recordCall':
        return this.store.recordCall(op.call);
    }
  }

  private load(): WriteOp[] {
    let text = '';
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    const ops: WriteOp[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        ops.push(JSON.parse(line));
      } catch {
        // A line cut short by a crash while appending: the write before it is whole.
        this.log.warn({ line: line.slice(0, 100) }, 'skipping a torn line in the write queue');
      }
    }
    return ops;
  }
}

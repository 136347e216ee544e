import { randomBytes, randomUUID } from 'node:crypto';
import {
  hashMatches,
  keyFingerprint,
  type LockoutPolicy,
  lockedUntil,
  PinError,
  pinHash,
  sealHash,
  validateLabel,
  validatePin,
  validateSetName,
} from '../policy/pin-code.js';
import type { Store } from './store.js';

export interface PinSetSummary {
  name: string;
  hashed: boolean;
  /** Its hashes are sealed with the key (pins.keyFile): a copy of the database alone does not give them away. */
  sealed: boolean;
  pins: number;
  note: string | null;
  createdAt: string;
}

export interface PinRow {
  label: string;
  /** Only for sets kept in the clear. */
  pin: string | null;
  createdAt: string;
}

/** "That PIN is taken" answers one set may give in an hour before it refuses every new PIN. */
export const TAKEN_PER_HOUR = 5;

type PinSetRow = Awaited<ReturnType<PinSets['requireSet']>>;

/**
 * Named sets of PINs, each PIN with a label (who it belongs to), and the wrong-PIN record
 * behind lockouts. PINs are stored as HMACs keyed by their set's salt, so a PIN can be looked
 * up (which label is it?) without being kept, and sealed with `key` (pins.keyFile, kept out of
 * the database) where one is given; a set created `hashed: false` keeps the clear PIN as well,
 * for export.
 */
export class PinSets {
  /** When each set last answered "that PIN is taken": the answer tells that a PIN is in the set. */
  private readonly taken = new Map<string, number[]>();

  constructor(
    private readonly store: Store,
    private readonly key?: Buffer,
  ) {}

  private get db() {
    return this.store.db;
  }

  async createSet(name: string, opts: { hashed?: boolean; note?: string | null } = {}): Promise<void> {
    validateSetName(name);
    if (await this.set(name)) throw new PinError('PIN_SET_EXISTS', `PIN set "${name}" already exists`);
    await this.store.q('write', () =>
      this.db
        .insertInto('pin_sets')
        .values({
          name,
          salt: randomBytes(32).toString('hex'),
          hashed: opts.hashed === false ? 0 : 1,
          key_id: this.key ? keyFingerprint(this.key) : null,
          note: opts.note?.slice(0, 1000) ?? null,
          created_at: new Date().toISOString(),
        })
        .execute(),
    );
  }

  async deleteSet(name: string): Promise<boolean> {
    return this.store.q('write', () =>
      this.db.transaction().execute(async (tx) => {
        await tx.deleteFrom('pins').where('set_name', '=', name).execute();
        const r = await tx.deleteFrom('pin_sets').where('name', '=', name).executeTakeFirst();
        return Number(r.numDeletedRows) > 0;
      }),
    );
  }

  async listSets(): Promise<PinSetSummary[]> {
    const [sets, counts] = await Promise.all([
      this.store.q('read', () => this.db.selectFrom('pin_sets').selectAll().orderBy('name').execute()),
      this.store.q('read', () =>
        this.db
          .selectFrom('pins')
          .select(['set_name', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('set_name')
          .execute(),
      ),
    ]);
    const count = new Map(counts.map((c) => [c.set_name, Number(c.n)]));
    return sets.map((s) => ({
      name: s.name,
      hashed: Number(s.hashed) === 1,
      sealed: Boolean(s.key_id),
      pins: count.get(s.name) ?? 0,
      note: s.note,
      createdAt: s.created_at,
    }));
  }

  private set(name: string) {
    return this.store.q('read', () =>
      this.db.selectFrom('pin_sets').selectAll().where('name', '=', name).executeTakeFirst(),
    );
  }

  private async requireSet(name: string) {
    const set = await this.set(name);
    if (!set) throw new PinError('PIN_SET_UNKNOWN', `no PIN set named "${name}"`, { set: name });
    return set;
  }

  /** The key a set's hashes are sealed with; a set sealed with a key this Doorman lacks is refused. */
  private keyFor(set: PinSetRow): Buffer | undefined {
    if (!set.key_id) return undefined;
    if (!this.key)
      throw new PinError(
        'PIN_KEY_MISSING',
        `PIN set "${set.name}" is sealed with a key, and pins.keyFile names none here (copy the key file from the Doorman that sealed it)`,
        { set: set.name },
      );
    if (keyFingerprint(this.key) !== set.key_id)
      throw new PinError(
        'PIN_KEY_WRONG',
        `PIN set "${set.name}" is sealed with another key than pins.keyFile's (copy the key file from the Doorman that sealed it)`,
        { set: set.name },
      );
    return this.key;
  }

  /**
   * Seals a set's stored hashes with the key (`doorman pins seal`): its PINs keep working, and a
   * copy of the database no longer gives them away. Sets created while a key is given are sealed
   * from the start. Returns false if it already was.
   */
  async sealSet(name: string): Promise<boolean> {
    const { key } = this;
    if (!key) throw new PinError('PIN_KEY_MISSING', 'sealing a PIN set needs a key: set pins.keyFile');
    const set = await this.requireSet(name);
    if (set.key_id) {
      this.keyFor(set);
      return false;
    }
    await this.store.q('write', () =>
      this.db.transaction().execute(async (tx) => {
        const rows = await tx
          .selectFrom('pins')
          .select(['id', 'pin_hash'])
          .where('set_name', '=', name)
          .execute();
        for (const r of rows)
          await tx
            .updateTable('pins')
            .set({ pin_hash: sealHash(key, r.pin_hash) })
            .where('id', '=', r.id)
            .execute();
        await tx
          .updateTable('pin_sets')
          .set({ key_id: keyFingerprint(key) })
          .where('name', '=', name)
          .execute();
      }),
    );
    return true;
  }

  /**
   * An answer "that PIN is another label's" says the set holds it: past TAKEN_PER_HOUR of them
   * in an hour, every new PIN for the set is refused alike until the hour is over, so the answer
   * cannot be used to list a set's PINs.
   */
  private checkTakenBudget(setName: string, now = Date.now()): void {
    const recent = (this.taken.get(setName) ?? []).filter((t) => now - t < 3_600_000);
    this.taken.set(setName, recent);
    if (recent.length >= TAKEN_PER_HOUR)
      throw new PinError(
        'PIN_SET_COOLING',
        `PIN set "${setName}" refused ${recent.length} PINs as taken within the hour: no new PINs for it until ${new Date((recent[0] ?? now) + 3_600_000).toISOString()}`,
        { set: setName },
      );
  }

  /** Adds a PIN, or gives a label a new PIN. Two labels cannot share a PIN: it would not say who called. */
  async putPin(setName: string, label: string, pin: string): Promise<'added' | 'updated'> {
    validateLabel(label);
    validatePin(pin);
    const set = await this.requireSet(setName);
    this.checkTakenBudget(setName);
    const hash = pinHash(set.salt, pin, this.keyFor(set));
    return this.store.q('write', () =>
      this.db.transaction().execute(async (tx) => {
        const clash = await tx
          .selectFrom('pins')
          .select('label')
          .where('set_name', '=', setName)
          .where('pin_hash', '=', hash)
          .executeTakeFirst();
        if (clash && clash.label !== label) {
          this.taken.get(setName)?.push(Date.now());
          throw new PinError(
            'PIN_TAKEN',
            `label "${label}": that PIN is already another label's in "${setName}"`,
            {
              set: setName,
              label,
            },
          );
        }
        const fields = { pin_hash: hash, pin_clear: Number(set.hashed) === 1 ? null : pin };
        const r = await tx
          .updateTable('pins')
          .set(fields)
          .where('set_name', '=', setName)
          .where('label', '=', label)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) > 0) return 'updated' as const;
        await tx
          .insertInto('pins')
          .values({
            id: randomUUID(),
            set_name: setName,
            label,
            created_at: new Date().toISOString(),
            ...fields,
          })
          .execute();
        return 'added' as const;
      }),
    );
  }

  async removePin(setName: string, label: string): Promise<boolean> {
    const r = await this.store.q('write', () =>
      this.db
        .deleteFrom('pins')
        .where('set_name', '=', setName)
        .where('label', '=', label)
        .executeTakeFirst(),
    );
    return Number(r.numDeletedRows) > 0;
  }

  async listPins(setName: string): Promise<PinRow[]> {
    await this.requireSet(setName);
    const rows = await this.store.q('read', () =>
      this.db
        .selectFrom('pins')
        .select(['label', 'pin_clear', 'created_at'])
        .where('set_name', '=', setName)
        .orderBy('label')
        .execute(),
    );
    return rows.map((r) => ({ label: r.label, pin: r.pin_clear, createdAt: r.created_at }));
  }

  /** The label of the PIN entered, or null when the set has no such PIN. */
  async labelFor(setName: string, entered: string): Promise<string | null> {
    if (!/^[0-9*#]{1,32}$/.test(entered)) return null;
    const set = await this.requireSet(setName);
    const key = this.keyFor(set);
    const hash = pinHash(set.salt, entered, key);
    const row = await this.store.q('read', () =>
      this.db
        .selectFrom('pins')
        .select(['label', 'pin_hash'])
        .where('set_name', '=', setName)
        .where('pin_hash', '=', hash)
        .executeTakeFirst(),
    );
    return row && hashMatches(row.pin_hash, set.salt, entered, key) ? row.label : null;
  }

  /** Whether `entered` is the PIN of `label` (an extension's PIN kept in a set). Null: no such label. */
  async checkLabelPin(setName: string, label: string, entered: string): Promise<boolean | null> {
    const set = await this.requireSet(setName);
    const key = this.keyFor(set);
    const row = await this.store.q('read', () =>
      this.db
        .selectFrom('pins')
        .select('pin_hash')
        .where('set_name', '=', setName)
        .where('label', '=', label)
        .executeTakeFirst(),
    );
    if (!row) return null;
    return hashMatches(row.pin_hash, set.salt, entered, key);
  }

  // ---------------------------------------------------------------- lockout

  async recordFailure(caller: string, at = new Date()): Promise<void> {
    await this.store.q('write', () =>
      this.db
        .insertInto('pin_failures')
        .values({ id: randomUUID(), caller: caller.slice(0, 64), at: at.toISOString() })
        .execute(),
    );
  }

  /** When the caller may try again, or null if they may now. */
  async lockedUntil(caller: string, policy: LockoutPolicy, now = new Date()): Promise<Date | null> {
    const since = new Date(now.getTime() - policy.windowMinutes * 60_000).toISOString();
    const rows = await this.store.q('read', () =>
      this.db
        .selectFrom('pin_failures')
        .select('at')
        .where('caller', '=', caller.slice(0, 64))
        .where('at', '>', since)
        .execute(),
    );
    return lockedUntil(
      rows.map((r) => new Date(r.at)),
      policy,
      now,
    );
  }

  /** A right PIN wipes the caller's slate; `doorman pins unlock` does the same by hand. */
  async clearFailures(caller: string): Promise<number> {
    const r = await this.store.q('write', () =>
      this.db.deleteFrom('pin_failures').where('caller', '=', caller.slice(0, 64)).executeTakeFirst(),
    );
    return Number(r.numDeletedRows);
  }

  /** Failures older than the window are of no use; keeps the table small. */
  async pruneFailures(olderThan: Date): Promise<void> {
    await this.store.q('write', () =>
      this.db.deleteFrom('pin_failures').where('at', '<', olderThan.toISOString()).execute(),
    );
  }
}

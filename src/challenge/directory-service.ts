import type { Logger } from 'pino';
import { stringify } from 'yaml';
import { requireDestination } from '../config/destinations.js';
import type { Config } from '../config/schema.js';
import { InvalidInputError } from '../errors.js';
import { type DirectoryEntry, MAX_DIRECTORY_ENTRIES, parseDirectory, tooMany } from '../match/directory.js';
import { passEntry } from '../match/expected-callers.js';
import { espeakReads } from '../speech/espeak-phones.js';
import { DirectoryStore } from '../store/directory-store.js';
import { ExpectedCallerStore } from '../store/expected-caller-store.js';
import type { ReadCopy } from '../store/read-copy.js';
import type { Store } from '../store/store.js';
import type { Challenge } from './setup.js';

/**
 * The directory lives in the database (shared by every PBX on it) and is edited there; the
 * YAML file seeds an empty database, and stands in while the database cannot be read. Every
 * change rebuilds the challenge's grammar and matcher, here at once and on the other PBXs
 * within `everyMs` (they watch a version number).
 */
export class DirectoryService {
  private readonly db: DirectoryStore;
  private readonly passes: ExpectedCallerStore;
  private version: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;

  constructor(
    store: Store,
    private readonly challenge: Challenge,
    private readonly config: Config,
    private readonly log: Logger,
    /** Where the directory is read from while a shared database does not answer. */
    private readonly copy?: ReadCopy,
  ) {
    this.db = new DirectoryStore(store);
    this.passes = new ExpectedCallerStore(store);
  }

  /** Reads the directory from the database, or its local copy while the database does not answer. */
  private read<T>(run: (directory: DirectoryStore, passes: ExpectedCallerStore) => Promise<T>): Promise<T> {
    if (!this.copy) return run(this.db, this.passes);
    return this.copy.read((s) => run(new DirectoryStore(s), new ExpectedCallerStore(s))).then((r) => r.value);
  }

  get entries(): readonly DirectoryEntry[] {
    return this.challenge.entries;
  }

  /** The directory itself: what the challenge hears, less the expected callers' passes. */
  private directoryEntries(): DirectoryEntry[] {
    return this.challenge.entries.filter((e) => !this.challenge.expires.has(e.id));
  }

  /** Follows the database's directory from now on (seeding it from the file if it is empty). */
  watch(everyMs = 10_000): void {
    const tick = () => {
      this.sync().catch((e) => this.log.warn({ err: e }, 'could not read the directory from the database'));
    };
    tick();
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.syncing?.catch(() => {});
  }

  /**
   * Brings the challenge up to the database's directory, and its live expected-caller passes,
   * when either moved (a pass added, removed, or past its time).
   */
  sync(): Promise<void> {
    this.syncing ??= (async () => {
      const [stored, passes] = await this.read((d, p) => Promise.all([d.version(), p.active()]));
      const version = `${stored}|${passes.map((p) => p.id).join(',')}`;
      if (version === this.version) return;
      const entries = await this.read((d) => d.list());
      if (entries.length === 0 && stored === '') {
        await this.db.replaceAll(this.directoryEntries());
        this.log.info({ entries: this.challenge.entries.length }, 'directory seeded from the file');
        // What the challenge already has, unless passes wait to be added.
        this.version = passes.length ? undefined : `${await this.db.version()}|`;
        return;
      }
      const named = passes
        .filter((p) => p.words.length)
        .map((p) => ({ entry: passEntry(p), until: p.expiresAt }));
      const expires = new Map(named.map(({ entry, until }) => [entry.id, until]));
      await this.challenge.reload([...entries, ...named.map(({ entry }) => entry)], expires);
      this.log.info(
        { entries: entries.length, expectedCallers: passes.length },
        'directory loaded from the database',
      );
      // The version read before the entries: a change made meanwhile is picked up next time.
      this.version = version;
    })().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  async put(entry: DirectoryEntry): Promise<'added' | 'updated'> {
    const entries = this.challenge.entries;
    if (entries.length >= MAX_DIRECTORY_ENTRIES && !entries.some((e) => e.id === entry.id))
      throw new InvalidInputError('DIRECTORY_FULL', tooMany(entries.length + 1));
    await checkEntries(this.config, [entry]);
    const result = await this.db.put(entry);
    await this.sync();
    return result;
  }

  async remove(id: string): Promise<boolean> {
    const removed = await this.db.remove(id);
    if (removed) await this.sync();
    return removed;
  }

  /** Replaces the directory with a YAML document in the exchange format. */
  async import(yaml: string, source = 'the YAML'): Promise<number> {
    const entries = parseDirectory(yaml, source);
    await checkEntries(this.config, entries);
    await this.db.replaceAll(entries);
    await this.sync();
    return entries.length;
  }

  export(): string {
    return stringify({ version: 1, entries: this.directoryEntries() });
  }
}

/** What the YAML schema cannot check of entries before they are stored; throws `InvalidInputError`. */
export async function checkEntries(config: Config, entries: readonly DirectoryEntry[]): Promise<void> {
  checkDestinations(config, entries);
  await checkLanguages(entries);
}

/** Every entry must send callers somewhere this Doorman knows. */
function checkDestinations(config: Config, entries: readonly DirectoryEntry[]): void {
  for (const e of entries) {
    requireDestination(config.destinations, e.destination, `entry ${e.id}`);
    if (e.voicemail) requireDestination(config.destinations, e.voicemail, `entry ${e.id} voicemail`);
  }
}

/**
 * An entry's languages must be ones espeak-ng reads: a code it does not know would give the name
 * no reading at all, and the admin who typed it would never learn why. Where espeak-ng cannot
 * be run, nothing is refused (the recogniser then has no readings of other languages anyway).
 */
async function checkLanguages(entries: readonly DirectoryEntry[]): Promise<void> {
  for (const e of entries) {
    for (const language of e.languages ?? []) {
      if ((await espeakReads(language)) === false)
        throw new InvalidInputError(
          'UNKNOWN_LANGUAGE',
          `entry ${e.id}: espeak-ng has no language "${language}" (espeak-ng --voices lists them; zh is pinyin)`,
        );
    }
  }
}

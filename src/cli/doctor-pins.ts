import type { Config } from '../config/schema.js';
import { openPinSets } from '../store/pin-key.js';
import type { Store } from '../store/store.js';
import type { Finding } from './doctor.js';

/** Whether the PIN sets' hashes would survive a copy of the database: sealed with pins.keyFile's key. */
export async function checkPinSets(config: Config, store: Store, out: Finding[]): Promise<void> {
  const check = 'PIN sets';
  let sets: Awaited<ReturnType<ReturnType<typeof openPinSets>['listSets']>>;
  try {
    sets = await openPinSets(store, config.pins).listSets();
  } catch (e) {
    out.push({
      check,
      ok: false,
      detail: (e as Error).message,
      fix: 'point pins.keyFile at a readable key file',
    });
    return;
  }
  const open = sets.filter((s) => !s.sealed && s.pins > 0).map((s) => s.name);
  if (!open.length) {
    out.push({
      check,
      ok: true,
      detail: `${sets.length} set(s), none with PINs a copy of the database would give away`,
    });
    return;
  }
  out.push({
    check,
    ok: false,
    detail: `${open.join(', ')}: PIN hashes keyed only by salts kept beside them (a copy of the database gives a short PIN away in seconds)`,
    fix: config.pins.keyFile
      ? `doorman pins seal ${open[0]}`
      : 'create a key (head -c 32 /dev/urandom > /etc/doorman/pin.key), set pins.keyFile to it on every Doorman sharing the database, then doorman pins seal SET',
  });
}

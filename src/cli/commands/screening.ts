import type { Config } from '../../config/schema.js';
import { bypassEnd } from '../../policy/checks/bypass.js';
import { readBypass, setBypassFor, setScreening } from '../../store/screening-state.js';
import { Store } from '../../store/store.js';
import { number, UsageError } from '../usage.js';

export async function cmdScreening(config: Config, [action, arg]: string[]): Promise<void> {
  if (!action || !['status', 'on', 'off', 'bypass'].includes(action)) {
    throw new UsageError('screening needs status, on, off or bypass MINUTES');
  }
  const minutes = action === 'bypass' ? number(arg, Number.NaN, 'bypass MINUTES') : 0;
  if (Number.isNaN(minutes))
    throw new UsageError('screening bypass needs a number of minutes (0 ends a bypass)');
  const store = await Store.open(config.store);
  try {
    if (action === 'on' || action === 'off') await setScreening(store, action === 'on');
    if (action === 'bypass') await setBypassFor(store, minutes);
    const s = await readBypass(store);
    const until = bypassEnd(s, new Date());
    const bypassed = until ? `, bypassed until ${until.toISOString()}` : '';
    console.log(`screening ${s.off ? 'off' : 'on'}${bypassed}`);
  } finally {
    await store.close();
  }
}

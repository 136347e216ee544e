import type { Config } from '../../config/schema.js';
import { OutboundGrantStore } from '../../store/outbound-grant-store.js';
import { Store } from '../../store/store.js';
import { UsageError } from '../usage.js';

/** `doorman grants [list]` and `doorman grants revoke EXT`: outbound PIN grants. */
export async function cmdGrants(config: Config, [action = 'list', ext]: string[]): Promise<void> {
  if (action !== 'list' && action !== 'revoke') throw new UsageError('grants needs list or revoke EXTENSION');
  if (action === 'revoke' && !ext) throw new UsageError('grants revoke needs an extension');
  const store = await Store.open(config.store);
  try {
    const grants = new OutboundGrantStore(store);
    if (action === 'revoke') {
      const had = await grants.revoke(ext as string);
      console.log(had ? `extension ${ext}: grant revoked` : `extension ${ext} had no grant`);
      if (!had) process.exitCode = 1;
      return;
    }
    const active = await grants.active();
    if (!active.length) console.log('no extension holds an outbound grant');
    for (const g of active) console.log(`${g.extension}\tuntil ${g.expiresAt}\t(granted ${g.grantedAt})`);
  } finally {
    await store.close();
  }
}

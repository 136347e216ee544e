import type { Config } from '../../config/schema.js';
import { HOUSE_MODES, type HouseModeName } from '../../config/sections/house.js';
import { describeHouseMode } from '../../policy/house-mode.js';
import { readHouseMode, setHouseMode } from '../../store/house-mode.js';
import { Store } from '../../store/store.js';
import { UsageError } from '../usage.js';

/** `doorman house [status|home|away]`: the house mode every Doorman on the database follows within 2 s. */
export async function cmdHouse(config: Config, [action = 'status']: string[]): Promise<void> {
  if (action !== 'status' && !(HOUSE_MODES as readonly string[]).includes(action))
    throw new UsageError('house needs status, home or away');
  const store = await Store.open(config.store);
  try {
    if (action !== 'status') await setHouseMode(store, action as HouseModeName);
    const mode = await readHouseMode(store);
    console.log(`${mode}: ${describeHouseMode(config.house[mode])}`);
  } finally {
    await store.close();
  }
}

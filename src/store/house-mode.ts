import { HOUSE_MODES, type HouseModeName } from '../config/sections/house.js';
import type { Store } from './store.js';

const KEY = 'house_mode';

/** The house mode as the settings table keeps it (shared by every PBX on the database); home when unset. */
export async function readHouseMode(store: Store): Promise<HouseModeName> {
  const v = await store.getSetting(KEY);
  return (HOUSE_MODES as readonly string[]).includes(v ?? '') ? (v as HouseModeName) : 'home';
}

export async function setHouseMode(store: Store, mode: HouseModeName): Promise<void> {
  await store.setSetting(KEY, mode);
}

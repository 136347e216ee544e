import type { Database } from './schema.js';
import type { Store } from './store.js';

/** How many rows a table holds, within the store's deadline. */
export async function rowCount(store: Store, table: keyof Database): Promise<number> {
  const r = await store.q('count', () =>
    store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow(),
  );
  return Number(r.n);
}

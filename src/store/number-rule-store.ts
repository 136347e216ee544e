import { randomUUID } from 'node:crypto';
import { type NumberRule, validateNumberRule } from '../match/number-rules.js';
import type { NumberRulesTable } from './schema.js';
import type { Store } from './store.js';
import { cap } from './text.js';

export type NumberRuleRow = NumberRule & { note: string | null; createdAt: string };

const toRule = (r: NumberRulesTable): NumberRuleRow => ({
  id: r.id,
  list: r.list,
  kind: r.kind,
  pattern: r.pattern,
  destination: r.destination,
  note: r.note,
  createdAt: r.created_at,
});

/** The number rules in the database: every PBX sharing it reads the same rules. */
export class NumberRuleStore {
  constructor(private readonly store: Store) {}

  async add(rule: Omit<NumberRule, 'id'> & { note?: string | null }): Promise<NumberRuleRow> {
    const pattern = rule.pattern.trim();
    validateNumberRule({ kind: rule.kind, pattern });
    const row: NumberRulesTable = {
      id: randomUUID(),
      list: rule.list,
      kind: rule.kind,
      pattern,
      destination: cap(rule.destination, 64),
      note: cap(rule.note ?? null, 1000),
      created_at: new Date().toISOString(),
    };
    await this.store.q('write', () => this.store.db.insertInto('number_rules').values(row).execute());
    return toRule(row);
  }

  async list(): Promise<NumberRuleRow[]> {
    const rows = await this.store.q('read', () =>
      this.store.db.selectFrom('number_rules').selectAll().orderBy('created_at').orderBy('id').execute(),
    );
    return rows.map(toRule);
  }

  async remove(id: string): Promise<boolean> {
    const r = await this.store.q('write', () =>
      this.store.db.deleteFrom('number_rules').where('id', '=', id).executeTakeFirst(),
    );
    return Number(r.numDeletedRows) > 0;
  }
}

import type { Generated } from 'kysely';

/** Timestamps are ISO-8601 UTC strings in every database: portable and sortable. */
export type Iso = string;

export type ListName = 'allow' | 'block';
export const CALLER_SOURCES = ['manual', 'outbound', 'screened', 'pin', 'import', 'contacts', 'api'] as const;
export type CallerSource = (typeof CALLER_SOURCES)[number];

export interface CallersTable {
  id: string;
  /** E.164 when the number parses, else the folded raw form; the lookup key. */
  number: string;
  raw_number: string;
  name: string | null;
  list: ListName;
  destination: string | null;
  source: CallerSource;
  added_by: string | null;
  /** '' for every call; else one DID or extension the entry applies to. */
  scope: string;
  created_at: Iso;
  updated_at: Iso;
  last_seen_at: Iso | null;
  hits: Generated<number>;
  expires_at: Iso | null;
  note: string | null;
}

export interface CallsTable {
  id: string;
  channel_id: string;
  started_at: Iso;
  caller_number: string;
  caller_raw: string;
  caller_name: string;
  did: string;
  route: string;
  outcome: string;
  destination: string | null;
  reason: string | null;
  check_name: string | null;
  /** JSON: each check's outcome and duration. */
  checks: string;
  transcript: string | null;
  /** JSON: [{id, score}] */
  candidates: string | null;
  recording: string | null;
  /** JSON: durations in ms. */
  timings: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface NameRulesTable {
  id: string;
  kind: 'exact' | 'regex';
  pattern: string;
  note: string | null;
  created_at: Iso;
}

export interface Database {
  name_rules: NameRulesTable;
  callers: CallersTable;
  calls: CallsTable;
  settings: SettingsTable;
}

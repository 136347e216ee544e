import type { Generated } from 'kysely';

/** Timestamps are ISO-8601 UTC strings in every database: portable and sortable. */
export type Iso = string;

export type ListName = 'allow' | 'block';
/** A caller is filed on one list and off the other. */
export const otherList = (list: ListName): ListName => (list === 'allow' ? 'block' : 'allow');
export const CALLER_SOURCES = [
  'manual',
  'outbound',
  'screened',
  'pin',
  'import',
  'contacts',
  'api',
  'phone',
] as const;
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
  /** The caller's answer to the second question (challenge.secondQuestion), when one was asked. */
  question_recording: string | null;
  /** JSON: durations in ms. */
  timings: string;
  /** The label of the PIN the caller entered (also set as CHANNEL(accountcode)); never the PIN. */
  account_code: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface NameRulesTable {
  id: string;
  kind: 'exact' | 'regex';
  pattern: string;
  /** Null on rules from before allow rules: those block. */
  list: 'allow' | 'block' | null;
  destination: string | null;
  note: string | null;
  created_at: Iso;
}

export interface NumberRulesTable {
  id: string;
  list: 'allow' | 'block';
  kind: 'prefix' | 'range' | 'neighbour';
  pattern: string;
  destination: string | null;
  note: string | null;
  created_at: Iso;
}

export interface ExpectedCallersTable {
  id: string;
  /** JSON array of the words a caller may name. */
  words: string;
  number_prefix: string | null;
  destination: string;
  expires_at: Iso;
  note: string | null;
  created_at: Iso;
}

export interface OutboundGrantsTable {
  /** The extension granted outbound calling (its caller-ID number). */
  extension: string;
  expires_at: Iso;
  granted_at: Iso;
}

export interface PinSetsTable {
  name: string;
  salt: string;
  /** 1: only the PINs' HMACs are kept; 0: the clear PIN too (so it can be exported). */
  hashed: number;
  note: string | null;
  created_at: Iso;
  /** Fingerprint of the key (pins.keyFile) the hashes are sealed with; null: sealed with none. */
  key_id?: string | null;
}

export interface PinsTable {
  id: string;
  set_name: string;
  label: string;
  pin_hash: string;
  pin_clear: string | null;
  created_at: Iso;
}

export interface PinFailuresTable {
  id: string;
  /** The caller's number key, or `ext:<extension>` for outbound grants. */
  caller: string;
  at: Iso;
}

/** An account that may log in to the admin web app; the password only as a scrypt hash. */
export interface AdminsTable {
  username: string;
  password_hash: string;
  created_at: Iso;
  updated_at: Iso;
}

/** A bearer token for scripts; only its SHA-256 is kept (the token is shown once, when created). */
export interface ApiTokensTable {
  id: string;
  name: string;
  token_hash: string;
  created_at: Iso;
}

/** A logged-in browser; keyed by the SHA-256 of the cookie's id, so a database dump logs nobody in. */
export interface WebSessionsTable {
  id_hash: string;
  username: string;
  csrf_token: string;
  created_at: Iso;
  expires_at: Iso;
}

export interface DirectoryEntriesTable {
  id: string;
  /** Keeps the order of the imported YAML. */
  position: number;
  type: 'person' | 'department';
  name: string;
  aliases: string;
  sounds_like: string;
  /** JSON array of language codes; '[]' when the entry names none. */
  languages: string;
  destination: string;
  /** A destination name, or null: `announce.voicemail`. */
  voicemail: string | null;
  /** always | when-unsure | never, or null: the route's. */
  announce: string | null;
  enabled: number;
  updated_at: Iso;
}

export interface Database {
  directory_entries: DirectoryEntriesTable;
  pin_sets: PinSetsTable;
  pins: PinsTable;
  pin_failures: PinFailuresTable;
  admins: AdminsTable;
  api_tokens: ApiTokensTable;
  web_sessions: WebSessionsTable;
  name_rules: NameRulesTable;
  number_rules: NumberRulesTable;
  expected_callers: ExpectedCallersTable;
  outbound_grants: OutboundGrantsTable;
  callers: CallersTable;
  calls: CallsTable;
  settings: SettingsTable;
}

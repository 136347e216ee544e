import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { MOVED_KEYS } from './moved-keys.js';
import { type Config, configSchema } from './schema.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const ENV_PREFIX = 'DOORMAN_';
/** Sections whose keys are names the admin chooses: set in the file, not by env vars. */
const NAMED_SECTIONS = new Set(['destinations', 'routes']);

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
const envVarName = (path: string[]) => ENV_PREFIX + path.map(snake).join('_');

/** Every settable leaf of the defaults, as [path, env var name, default value]. */
function envKeys(defaults: JsonObject, prefix: string[] = []): Array<[string[], string, Json]> {
  const out: Array<[string[], string, Json]> = [];
  for (const [k, v] of Object.entries(defaults)) {
    const path = [...prefix, k];
    if (prefix.length === 0 && NAMED_SECTIONS.has(k)) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(...envKeys(v, path));
    else out.push([path, envVarName(path), v]);
  }
  return out;
}

function getPath(obj: JsonObject, path: string[]): Json | undefined {
  let node: Json | undefined = obj;
  for (const k of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = node[k];
  }
  return node;
}

function deletePath(obj: JsonObject, path: string[]): void {
  const parent = getPath(obj, path.slice(0, -1));
  if (parent !== null && typeof parent === 'object' && !Array.isArray(parent))
    delete parent[path[path.length - 1] as string];
}

function setPath(obj: JsonObject, path: string[], value: Json): void {
  let node = obj;
  for (const k of path.slice(0, -1)) {
    const next = node[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[k] = {};
    node = node[k] as JsonObject;
  }
  node[path[path.length - 1] as string] = value;
}

function parseEnvValue(raw: string, like: Json, key: string, envName: string): Json {
  // Lists from env are comma-separated: DOORMAN_OUTBOUND_TRUNKS=PJSIP/trunk1,PJSIP/trunk2
  if (Array.isArray(like)) {
    const items = raw
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    // A list of numbers by default is one of numbers: DOORMAN_SPEECH_SOUNDSWALLOWER_WARPS=1,0.9,1.1
    return typeof like[0] === 'number' ? items.map((x) => parseEnvValue(x, 0, key, envName)) : items;
  }
  if (typeof like === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n))
      throw new ConfigError(key, `expected a number, got "${raw}"`, `env ${envName}`);
    return n;
  }
  if (typeof like === 'boolean') {
    if (!/^(true|false|1|0|yes|no)$/i.test(raw))
      throw new ConfigError(key, `expected true or false, got "${raw}"`, `env ${envName}`);
    return /^(true|1|yes)$/i.test(raw);
  }
  return raw;
}

function readFile(file: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError('(file)', `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, file);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ConfigError('(file)', `not valid YAML: ${(e as Error).message.split('\n')[0]}`, file);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new ConfigError('(file)', 'must be a mapping of sections', file);
  return doc as JsonObject;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  return issue.message;
}

export interface LoadOptions {
  /** Config file (YAML); `DOORMAN_CONFIG` names one when this is not given. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Values that win over file and env (the CLI's flags). */
  overrides?: JsonObject;
  /** Told of each moved key still used (default: a Node DeprecationWarning on stderr). */
  onMovedKey?: (message: string) => void;
}

const warnMoved = (message: string) =>
  process.emitWarning(message, { type: 'DeprecationWarning', code: 'DOORMAN_CONFIG_KEY_MOVED' });

/** Old key to new (MOVED_KEYS), the value and its source going with it; the new key wins if both are set. */
function moveKeys(
  merged: JsonObject,
  sources: Map<string, string>,
  file: string | undefined,
  tell: (message: string) => void,
): void {
  for (const [from, to] of Object.entries(MOVED_KEYS)) {
    const oldPath = from.split('.');
    const value = getPath(merged, oldPath);
    if (value === undefined) continue;
    const source = sources.get(from) ?? file ?? 'defaults';
    deletePath(merged, oldPath);
    const newPath = to.split('.');
    if (getPath(merged, newPath) !== undefined) {
      tell(`${from} (${source}) is now ${to}, which is also set and wins; remove ${from}`);
      continue;
    }
    setPath(merged, newPath, value);
    sources.set(to, source);
    tell(`${from} (${source}) is now ${to}: the old key works until the next release`);
  }
}

/**
 * The one place configuration comes from: defaults, then the file, then DOORMAN_* env vars,
 * then overrides. Throws a ConfigError naming the first bad key and where its value came from.
 */
export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.DOORMAN_CONFIG;
  const merged: JsonObject = file ? readFile(file) : {};
  const sources = new Map<string, string>();
  const defaults = configSchema.parse({}) as unknown as JsonObject;
  for (const [path, envName, like] of envKeys(defaults)) {
    const raw = env[envName];
    if (raw === undefined) continue;
    const key = path.join('.');
    setPath(merged, path, parseEnvValue(raw, like, key, envName));
    sources.set(key, `env ${envName}`);
  }
  for (const [from, to] of Object.entries(MOVED_KEYS)) {
    const envName = envVarName(from.split('.'));
    const raw = env[envName];
    const like = getPath(defaults, to.split('.'));
    if (raw === undefined || like === undefined) continue;
    setPath(merged, from.split('.'), parseEnvValue(raw, like, from, envName));
    sources.set(from, `env ${envName}`);
  }
  for (const [k, v] of Object.entries(opts.overrides ?? {})) {
    setPath(merged, k.split('.'), v);
    sources.set(k, 'command line');
  }
  moveKeys(merged, sources, file, opts.onMovedKey ?? warnMoved);
  const result = configSchema.safeParse(merged);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const key = issue.path.length ? issue.path.join('.') : '(top level)';
  // An element of a list set by env (outbound.trunks.0) came from that env var.
  const source = [...sources].find(([k]) => key === k || key.startsWith(`${k}.`))?.[1];
  throw new ConfigError(key, describeIssue(issue), source ?? file ?? 'defaults');
}

export const configEnvVars = (): string[] =>
  envKeys(configSchema.parse({}) as unknown as JsonObject).map(([, name]) => name);

/**
 * What counts as a secret, in one place: the logger censors these keys wherever they appear in
 * a log line, and `doorman config` hides them (and the credentials inside URLs) when it prints
 * the configuration.
 */
export const SECRET_KEYS = ['password', 'pin', 'token', 'secret', 'api_key'] as const;

/** pino redact paths for SECRET_KEYS at the top level and two levels down. */
export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export const HIDDEN = '[hidden]';

const isSecretKey = (key: string) => (SECRET_KEYS as readonly string[]).includes(key.toLowerCase());

/** A URL with its password and secret-named query parameters hidden; any other string as it is. */
export function hideInUrl(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  let changed = false;
  if (url.password) {
    url.password = HIDDEN;
    changed = true;
  }
  for (const key of [...url.searchParams.keys()]) {
    if (isSecretKey(key)) {
      url.searchParams.set(key, HIDDEN);
      changed = true;
    }
  }
  return changed ? url.toString().replace(encodeURIComponent(HIDDEN), HIDDEN) : value;
}

/** A deep copy of `value` with every secret hidden (for showing a configuration). */
export function hideSecrets(value: unknown): unknown {
  if (typeof value === 'string') return hideInUrl(value);
  if (Array.isArray(value)) return value.map(hideSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        isSecretKey(k) && typeof v === 'string' && v !== '' ? HIDDEN : hideSecrets(v),
      ]),
    );
  }
  return value;
}

/** The admin API as the web app uses it: same origin, session cookie, CSRF token on writes. */

const TIMEOUT_MS = 15_000;
const UPLOAD_TIMEOUT_MS = 120_000;

/** An answer other than 2xx, with the API's error code and message (or a network failure). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

/** Fired when the API says the session is gone, so the app can show the login. */
export const LOGGED_OUT = 'doorman:logged-out';

type Body = { json: unknown } | { csv: string } | { yaml: string } | undefined;

export async function request<T>(
  method: string,
  path: string,
  body?: Body,
  signal?: AbortSignal,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let payload: string | undefined;
  if (body && 'json' in body) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  } else if (body && 'yaml' in body) {
    headers['content-type'] = 'application/yaml';
    payload = body.yaml;
  } else if (body) {
    headers['content-type'] = 'text/csv';
    payload = body.csv;
  }
  const timeout = AbortSignal.timeout(body && !('json' in body) ? UPLOAD_TIMEOUT_MS : TIMEOUT_MS);
  let r: Response;
  try {
    r = await fetch(path, {
      method,
      headers,
      body: payload,
      credentials: 'same-origin',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (e) {
    if (signal?.aborted) throw e;
    const why = timeout.aborted ? 'the server did not answer in time' : 'the server cannot be reached';
    throw new ApiError(0, 'NETWORK', why);
  }
  if (r.status === 204) return undefined as T;
  const data = (await r.json().catch(() => null)) as { code?: string; message?: string } | null;
  if (!r.ok) {
    if (r.status === 401 && path !== '/api/login') window.dispatchEvent(new Event(LOGGED_OUT));
    throw new ApiError(r.status, data?.code ?? 'HTTP', data?.message ?? `HTTP ${r.status}`);
  }
  return data as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, undefined, signal);
export const post = <T>(path: string, json: unknown, signal?: AbortSignal) =>
  request<T>('POST', path, { json }, signal);

/** A query string from the fields that are set. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

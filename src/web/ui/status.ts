import { ApiError } from './api.js';

/** Says something in the page-wide live region, so screen readers hear results and errors too. */
export function announce(text: string, kind: 'info' | 'error' = 'info'): void {
  const el = document.getElementById('status');
  if (!el) return;
  el.className = `status ${kind}`;
  el.textContent = text;
}

/** What went wrong, in words for the user. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

const isAbort = (e: unknown) => e instanceof DOMException && e.name === 'AbortError';

/** Runs a user action for its result; undefined if it failed (the failure is announced). */
export async function attempt<T>(action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (e) {
    if (!isAbort(e)) announce(errorText(e), 'error');
    return undefined;
  }
}

/** Runs a user action for its effect; false if it failed (the failure is announced). */
export async function act(action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (e) {
    if (!isAbort(e)) announce(errorText(e), 'error');
    return false;
  }
}

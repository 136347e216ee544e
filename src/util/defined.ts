/**
 * `fields` without the keys whose value is undefined: what an engine or a step could not tell
 * is left out of a result (and of the JSON the log and the reports keep), not written as
 * `undefined`, without a conditional spread per field.
 */
export function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

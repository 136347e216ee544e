import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { DoormanError } from '../errors.js';

/** A YAML file's text checked against a schema; any fault is a DoormanError naming the file and field. */
export function parseYamlAs<S extends z.ZodType>(
  schema: S,
  text: string,
  source: string,
  code: string,
): z.output<S> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new DoormanError(code, `${source}: not valid YAML: ${(e as Error).message.split('\n')[0]}`, {
      source,
    });
  }
  const r = schema.safeParse(doc ?? {});
  if (!r.success) {
    const issue = r.error.issues[0] as z.core.$ZodIssue;
    throw new DoormanError(code, `${source}: ${issue.path.join('.') || 'top level'}: ${issue.message}`, {
      source,
    });
  }
  return r.data;
}

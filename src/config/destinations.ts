import { InvalidInputError } from '../errors.js';

type Destinations = Readonly<Record<string, unknown>>;

/**
 * Whether `name` is a destination in config: the one test every part uses. An own key only:
 * `'constructor' in destinations` is true of every object.
 */
export const isDestination = (destinations: Destinations, name: string): boolean =>
  Object.hasOwn(destinations, name);

/** What is wrong with naming `name` as a destination, in words an admin acts on; null when nothing. */
export function unknownDestination(destinations: Destinations, name: string): string | null {
  return isDestination(destinations, name)
    ? null
    : `no destination named "${name}" (known: ${Object.keys(destinations).join(', ')})`;
}

/** `name` when it is a destination in config; else an InvalidInputError saying which exist. */
export function requireDestination(destinations: Destinations, name: string, where = ''): string {
  const problem = unknownDestination(destinations, name);
  if (problem) {
    throw new InvalidInputError('UNKNOWN_DESTINATION', `${where ? `${where}: ` : ''}${problem}`, {
      destination: name,
    });
  }
  return name;
}

/**
 * Text from callers (and from the recogniser, which hears them) as every database can hold it:
 * NUL removed (PostgreSQL refuses it in text, and one refused write must not stop the ones
 * behind it), and well-formed (a lone surrogate, from random bytes in a caller-ID name or a cut
 * through an emoji, would come back as one U+FFFD from one database and three from another).
 */
export const storable = <T extends string | null | undefined>(s: T): T extends string ? string : null =>
  (s == null
    ? null
    : (s.replaceAll('\u0000', '') as string & { toWellFormed(): string }).toWellFormed()) as never;

/** `storable`, and cut to its column's length. */
export const cap = (s: string | null | undefined, n: number): string | null =>
  s == null ? null : storable(s.replaceAll('\u0000', '').slice(0, n));

/** A date and time as the browser's locale writes it; '' for none. */
export const when = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '');

/** The instant a local calendar day (YYYY-MM-DD, as date inputs give it) starts, `days` later. */
export function localDayStart(day: string, days = 0): string {
  const d = new Date(`${day}T00:00`);
  d.setDate(d.getDate() + days);
  return d.toISOString();
}

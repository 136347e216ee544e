/** What a check concludes: send the call somewhere, or let the next check decide. */
export type CheckResult =
  | Verdict
  | { kind: 'next' /** Why it let the call on, for the log. */; detail?: string };

export interface Verdict {
  kind: 'route';
  /** A destination name from config (`desk`, `voicemail`, ...). */
  destination: string;
  /** Why, in words an admin reads in the log. */
  reason: string;
  /** The check that decided. */
  check: string;
}

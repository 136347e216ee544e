import { DoormanError } from '../errors.js';

export const USAGE = `Usage: doorman <command> [options]

Commands:
  start                 run the Stasis app (until SIGINT/SIGTERM)
  call                  place a simulated inbound call into the Asterisk sandbox and print where it went
      --from NUMBER       caller number (default +15551234567)
      --name NAME         caller-ID name
      --to DID            number dialled (default 15550001000)
      --say FILE.wav      what the caller says once answered (8/16 kHz mono 16-bit WAV)
      --delay SECONDS     wait after answer before speaking (default 3.5: the prompt's length)
      --dtmf DIGITS       digits sent after speaking
      --wait SECONDS      stay on the line after speaking (default 20)
      --timeout SECONDS   stop watching after this long (default 60)
      --json              print the result as JSON
      --sip               call over SIP (SIPp to the sandbox's sip-caller endpoint: RTP, RFC 4733)
      --codec ulaw|alaw   the codec the SIP phone offers (default ulaw)
  screen-file --directory FILE.yaml AUDIO.wav...
                        run the speech challenge on recorded answers (8/16 kHz mono WAV), offline,
                        with the live code path; one JSON object per file on stdout
  list add NUMBER [--block] [--name N] [--destination D] [--scope DID] [--expires DATE] [--note T]
  list remove NUMBER [--block] [--scope DID]
  list show [--block|--allow] [--limit N]
  list import FILE.csv [--block]     columns: number,name,list,destination,source,scope,expires_at,note
  list export [--block|--allow]      CSV on stdout
                        the allow and block lists (default: allow)
  freepbx-import [--astdb [--asterisk-cli CMD]] [--blacklist FILE.csv] [--allowlist FILE.csv] [--dry-run]
                        FreePBX's Blacklist and Allowlist modules' numbers onto the lists: from
                        Asterisk's database (CMD default "asterisk -rx") or their CSV exports; numbers
                        already listed, or on the other list, are reported and left alone
  contacts import FILE.vcf|FILE.csv [--dry-run]
                                     vCards, or FreePBX Contact Manager's CSV (Bulk Handler export)
  contacts sync [--dry-run]          from contacts.carddav.url
                        the address book as the allow list: every phone number of a contact is
                        allowed (source contacts); contacts gone from it are taken off; entries
                        made otherwise and blocked numbers are left alone; --dry-run writes nothing
  pins sets                          the PIN sets, with how many PINs each holds
  pins create SET [--clear] [--note T]
                        a new PIN set; PINs are kept as keyed hashes unless --clear (then exportable)
  pins delete SET
  pins add SET LABEL                 reads the PIN from stdin (or env DOORMAN_PIN), never argv
  pins remove SET LABEL
  pins show SET                      the labels (never the PINs)
  pins import SET FILE.csv           columns: label,pin
  pins export SET                    CSV on stdout (PINs only for --clear sets)
  pins seal SET                      seal its PIN hashes with pins.keyFile's key (new sets are sealed when it is set)
  pins unlock NUMBER|ext:EXTENSION|set:SET
                                     forget wrong PINs of a caller, a phone or a whole set (ends a lockout)
  screening status|on|off|bypass MINUTES
                        switch screening, or let every call through unscreened for a while
  house [status|home|away]
                        home or away: where callers who pass go, and whether they are announced
                        (house.home, house.away)
  grants [list] | grants revoke EXTENSION
                        the extensions allowed to call out after their PIN; end one's grant
  backup FILE|-         the lists, name and number rules, expected callers, directory, PIN sets
                        (hashed), settings, admin accounts and API tokens as JSON lines (not the
                        call log or recordings)
  restore FILE [--dry-run] [--replace]
                        all of a backup or nothing, into an empty database (--replace: what is there
                        goes first); --dry-run shows what is in the backup and in the database
  admin set-password [USER]
                        set the admin web login's password (user "admin" by default), read from
                        DOORMAN_ADMIN_PASSWORD or stdin (typed without echo), never from arguments
  token create NAME | revoke NAME | list
                        API tokens for scripts (Authorization: Bearer ...); shown once, stored hashed
  directory import FILE.yaml | export
                        the directory live calls match, kept in the database (the YAML exchange
                        format; directory.file only seeds an empty database)
  asterisk-config [--fallback CONTEXT,EXTEN,PRIORITY] [--inbound-context NAME]
                  [--outbound-context NAME] [--dial APP(ARGS)] [--features-context NAME]
                  [--second-app NAME] [--dialplan-only]
                        print the Asterisk configuration and dialplan Doorman needs; the fallback
                        (default from-did-direct,\${DOORMAN_DID},1) is where calls go when Doorman
                        is down, stopped or dies mid-call; --second-app (default ari.secondApp) sends
                        them to a second Doorman first
  doctor [--asterisk-etc DIR] [--sounds DIR]
                        check ARI, Asterisk's version and modules, the dialplan, prompts, database,
                        speech engine and folders; print what to fix (exit 1 if anything is wrong)
  config                print the effective configuration (secrets hidden)

Options for every command:
  --config FILE         YAML config file (or env DOORMAN_CONFIG); DOORMAN_* env vars override it
  --help
`;

export class UsageError extends DoormanError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** The options as parseArgs gives them. */
export type Flags = Record<string, string | boolean | undefined>;

/** A string option's value; undefined when absent (or given as a boolean). */
export function str(v: Flags, flag: string): string | undefined {
  const x = v[flag];
  return typeof x === 'string' ? x : undefined;
}

export function number(v: string | undefined, dflt: number, flag: string): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} needs a non-negative number, got "${v}"`);
  return n;
}

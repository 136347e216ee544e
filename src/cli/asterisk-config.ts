import type { Config } from '../config/schema.js';
import { DoormanError } from '../errors.js';
import {
  DID_VARIABLE,
  type DialplanOptions,
  dialplan,
  featureDialplan,
  inboundDialplan,
  outboundDialplan,
} from '../telephony/dialplan.js';

/** Where the printed dialplan sends calls and which contexts it names; each has a default for FreePBX. */
export interface AsteriskConfigOptions {
  inboundContext?: string | undefined;
  fallback?: string | undefined;
  outboundContext?: string | undefined;
  dial?: string | undefined;
  featuresContext?: string | undefined;
  /** The second Doorman's app name (default `ari.secondApp`). */
  secondApp?: string | undefined;
  /** Only the dialplan contexts, every one of them (the sandbox's extensions_doorman.conf). */
  dialplanOnly?: boolean | undefined;
}

export const DEFAULT_FALLBACK = `from-did-direct,\${${DID_VARIABLE}},1`;

function dialplanOptions(config: Config, o: AsteriskConfigOptions): DialplanOptions {
  const protect = o.dialplanOnly || Object.keys(config.outboundPin.extensions).length > 0;
  const fallback = o.fallback ?? DEFAULT_FALLBACK;
  if (fallback.split(',').length !== 3 || fallback.split(',').some((p) => p.trim() === '')) {
    throw new DoormanError('USAGE', `--fallback needs context,extension,priority, got "${fallback}"`);
  }
  const secondApp = o.secondApp ?? config.ari.secondApp;
  if (secondApp && !/^[A-Za-z0-9_-]+$/.test(secondApp))
    throw new DoormanError('USAGE', `--second-app takes letters, digits, _ and - only, got "${secondApp}"`);
  if (secondApp === config.ari.app)
    throw new DoormanError('USAGE', `--second-app must differ from ari.app ("${config.ari.app}")`);
  return {
    app: config.ari.app,
    secondApp: secondApp || undefined,
    leaseSeconds: config.calls.leaseSeconds,
    inboundContext: o.inboundContext ?? 'from-pstn-doorman',
    fallback,
    outbound: protect
      ? {
          context: o.outboundContext ?? 'outbound-doorman',
          dial: o.dial ?? `Dial(PJSIP/\${EXTEN}@<your trunk>)`,
        }
      : undefined,
    features: {
      context: o.featuresContext ?? 'from-internal-custom',
      grantCode: protect ? config.outboundPin.featureCode : undefined,
      lastCaller: {
        allow: config.phones.allowLastCode,
        block: config.phones.blockLastCode,
        refile: config.phones.refileLastCode,
      },
      expectCode: config.phones.expectCode,
    },
  };
}

/** The Asterisk configuration Doorman needs, to paste into an existing PBX. */
export function asteriskConfig(config: Config, o: AsteriskConfigOptions = {}): string {
  const d = dialplanOptions(config, o);
  if (o.dialplanOnly) return dialplan(d);
  const url = new URL(config.ari.url);
  const targets = Object.entries(config.destinations)
    .map(([name, dest]) => {
      const what =
        'action' in dest
          ? `(Doorman: ${dest.action === 'sit' ? 'SIT tone, then hang up' : `hang up, cause ${dest.cause}`})`
          : `${dest.context},${dest.extension},${dest.priority}`;
      return `;   ${name.padEnd(12)} -> ${what}`;
    })
    .join('\n');
  return `; ---- http.conf: ARI's HTTP server (keep it on loopback or behind TLS)
[general]
enabled = yes
bindaddr = ${url.hostname}
bindport = ${url.port || '8088'}
sessionlimit = 1000        ; each call's media WebSocket is one HTTP session

; ---- ari.conf: the user Doorman connects as
[general]
enabled = yes
[${config.ari.username}]
type = user
read_only = no
password = <the password in Doorman's config (ari.password)>
password_format = plain

; ---- modules.conf (if autoload = no): chan_websocket.so res_ari.so res_ari_*.so
;      res_stasis*.so app_stasis.so func_timeout.so res_http_websocket.so

; ---- extensions.conf: send inbound calls through Doorman. A call leaves through
;      "${d.fallback}" (--fallback) when Doorman is not connected, is stopped, or
;      dies mid-call (the lease runs out); \${${DID_VARIABLE}} is the number called.
;      FreePBX: put this in extensions_custom.conf, add a Custom Destination
;      "${d.inboundContext},\${EXTEN},1" and point the inbound route at it.
${inboundDialplan(d)}
; Destinations Doorman continues calls to (config "destinations"); each dialplan one must exist:
${targets}
${d.outbound ? outboundNotes(config, { ...d, outbound: d.outbound }) : ''}
; ---- Feature codes, in a context your phones can dial: *28 switches screening on or off,
;      a BLF key on "bypass" lights while it is off.
${d.features ? featureDialplan({ ...d, features: d.features }) : ''}`;
}

/** Only when extensions are PIN protected (or asked for): the outbound route's check. */
function outboundNotes(config: Config, d: Parameters<typeof outboundDialplan>[0]): string {
  return `
; ---- Outbound PIN protect (extensions ${Object.keys(config.outboundPin.extensions).join(', ') || 'none yet'}):
;      the outbound route asks Doorman before dialling and refuses unless Doorman said
;      allowed/granted, so it fails closed when Doorman is down. CALLERID(num) must be the
;      extension. The grant code (${config.outboundPin.featureCode}) is with the feature codes below:
;      enter the PIN, outbound calls allowed for ${config.outboundPin.grantSeconds} s.
${outboundDialplan(d)}`;
}

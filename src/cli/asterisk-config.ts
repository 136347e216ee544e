import type { Config } from '../config/schema.js';

/** The Asterisk configuration Doorman needs, to paste into an existing PBX. */
export function asteriskConfig(config: Config): string {
  const url = new URL(config.ari.url);
  const lease = config.calls.leaseSeconds;
  const targets = Object.entries(config.destinations)
    .map(([name, d]) => {
      const what =
        'action' in d
          ? `(Doorman: ${d.action === 'sit' ? 'SIT tone, then hang up' : `hang up, cause ${d.cause}`})`
          : `${d.context},${d.extension},${d.priority}`;
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

; ---- extensions.conf: send inbound calls through Doorman. The line after Stasis() and the
;      T extension are the fallback: where calls go when Doorman is down or dies mid-call.
[from-pstn-doorman]
exten => _X.,1,Set(TIMEOUT(absolute)=${lease})
 same => n,Stasis(${config.ari.app},\${EXTEN})
 same => n,Set(TIMEOUT(absolute)=0)
 same => n,Goto(from-did-direct,\${EXTEN},1)   ; <- your route before Doorman
exten => T,1,Goto(from-did-direct,\${EXTEN},1)

; FreePBX: put the context above in extensions_custom.conf, add a Custom Destination
; "from-pstn-doorman,\${EXTEN},1" and point the inbound route at it.

; Destinations Doorman continues calls to (config "destinations"); each dialplan one must exist:
${targets}
${Object.keys(config.outboundPin.extensions).length ? outboundPinDialplan(config) : ''}`;
}

/** Only when extensions are PIN protected: the outbound route's check and the grant feature code. */
function outboundPinDialplan(config: Config): string {
  const app = config.ari.app;
  return `
; ---- Outbound PIN protect (extensions ${Object.keys(config.outboundPin.extensions).join(', ')}):
;      the outbound route asks Doorman before dialling and refuses unless Doorman said
;      allowed/granted, so it fails closed when Doorman is down. CALLERID(num) must be the
;      extension (else pass it: Stasis(${app},outbound,\${EXTEN},<extension>)).
[outbound-doorman]
exten => _X.,1,Set(TIMEOUT(absolute)=60)
 same => n,Stasis(${app},outbound,\${EXTEN})
 same => n,Set(TIMEOUT(absolute)=0)
 same => n,GotoIf($["\${DOORMAN_OUTBOUND}" = "allowed" | "\${DOORMAN_OUTBOUND}" = "granted"]?dial)
 same => n,Hangup(21)
 same => n(dial),Dial(PJSIP/\${EXTEN}@<your trunk>)
exten => T,1,Hangup(21)

; The feature code (in the phones' context): enter the PIN, outbound calls allowed for
; ${config.outboundPin.grantSeconds} s.
exten => ${config.outboundPin.featureCode},1,Stasis(${app},outbound-grant)
 same => n,Hangup()
`;
}

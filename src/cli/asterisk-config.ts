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
`;
}

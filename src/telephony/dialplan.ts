import { EXPECT } from '../calls/expect-code.js';
import { LAST_CALLER, LAST_CALLER_ACTIONS, type LastCallerAction } from '../calls/last-caller.js';
import { OUTBOUND, OUTBOUND_GRANT, OUTBOUND_VARIABLE } from '../calls/outbound-pin.js';
import { BYPASS_DEVICE, TOGGLE_SCREENING } from '../calls/screening-switch.js';

/**
 * The dialplan Doorman needs, as text. `doorman asterisk-config` prints it for an existing PBX
 * and the Asterisk sandbox runs the very same lines (docker/asterisk/extensions_doorman.conf),
 * so what the tests test is what admins paste.
 */
export interface DialplanOptions {
  app: string;
  /** A second Doorman's app: inbound calls the first cannot take, or dropped mid-way, go to it. */
  secondApp?: string | undefined;
  leaseSeconds: number;
  /** The context inbound calls are sent to. */
  inboundContext: string;
  /**
   * Where a call goes when Doorman is down, stopped or dies mid-call, as `context,extension,priority`;
   * `${DOORMAN_DID}` is the number the call was for (in the T extension `${EXTEN}` is `T`).
   */
  fallback: string;
  /** Outbound PIN protect: the context outbound routes send calls to, and what dials once allowed. */
  outbound?: { context: string; dial: string } | undefined;
  /** Feature codes (*28, the PIN grant code, the last-caller codes) and the BLF hint, in the phones' context. */
  features?:
    | {
        context: string;
        grantCode?: string | undefined;
        /** The codes that allowlist, block or re-file the phone's last caller, by action. */
        lastCaller?: Record<LastCallerAction, string> | undefined;
        /** The code that lets a number the phone expects a call from in (an expected-caller pass). */
        expectCode?: string | undefined;
      }
    | undefined;
}

/** Kept before Stasis(): the T extension has lost ${EXTEN}. */
export const DID_VARIABLE = 'DOORMAN_DID';
/** The extension both ways out of Doorman lead to, so the fallback target is written once. */
const FALLBACK_EXTEN = 'fallback';

/** The extension a call enters the second Doorman by (its StasisStart shows it: the first is gone). */
export const SECOND_EXTEN = 'second';
/** Set once a call has been offered to the second Doorman, so a second lease running out ends in the fallback. */
const SECOND_VARIABLE = 'DOORMAN_SECOND';

export function inboundDialplan(o: DialplanOptions): string {
  const lease = commented(
    ` same => n,Set(TIMEOUT(absolute)=${o.leaseSeconds})`,
    "Doorman's lease: renewed while it works on the call",
  );
  if (!o.secondApp)
    return `[${o.inboundContext}]
${commented(`exten => _X.,1,Set(${DID_VARIABLE}=\${EXTEN})`, 'the number called, for the fallback')}
${lease}
${commented(` same => n,Stasis(${o.app},\${EXTEN})`, 'returns at once when Doorman is not connected')}
 same => n,Goto(${FALLBACK_EXTEN},1)
${commented(`exten => T,1,Goto(${FALLBACK_EXTEN},1)`, 'the lease ran out: Doorman died mid-call')}
exten => ${FALLBACK_EXTEN},1,Set(TIMEOUT(absolute)=0)
 same => n,Goto(${o.fallback})
`;
  return `[${o.inboundContext}]
${commented(`exten => _X.,1,Set(${DID_VARIABLE}=\${EXTEN})`, 'the number called, for the fallback')}
${lease}
${commented(` same => n,Stasis(${o.app},\${EXTEN})`, 'returns at once when Doorman is not connected')}
${commented(` same => n,GotoIf($["\${STASISSTATUS}" = "FAILED"]?${SECOND_EXTEN},1)`, 'not connected: the second Doorman')}
 same => n,Goto(${FALLBACK_EXTEN},1)
${commented(`exten => T,1,GotoIf($["\${${SECOND_VARIABLE}}" = ""]?${SECOND_EXTEN},1:${FALLBACK_EXTEN},1)`, 'the lease ran out: a Doorman died mid-call')}
exten => ${SECOND_EXTEN},1,Set(${SECOND_VARIABLE}=1)
${lease}
${commented(` same => n,Stasis(${o.secondApp},\${${DID_VARIABLE}})`, 'returns at once when it is not connected either')}
 same => n,Goto(${FALLBACK_EXTEN},1)
exten => ${FALLBACK_EXTEN},1,Set(TIMEOUT(absolute)=0)
 same => n,Goto(${o.fallback})
`;
}

const commented = (line: string, comment: string) => `${line.padEnd(44)} ; ${comment}`;

export function outboundDialplan(
  o: DialplanOptions & { outbound: NonNullable<DialplanOptions['outbound']> },
) {
  const v = OUTBOUND_VARIABLE;
  return `[${o.outbound.context}]
exten => _X.,1,Set(TIMEOUT(absolute)=60)
 same => n,Stasis(${o.app},${OUTBOUND},\${EXTEN})
 same => n,Set(TIMEOUT(absolute)=0)
 same => n,GotoIf($["\${${v}}" = "allowed" | "\${${v}}" = "granted"]?dial)
 same => n,Hangup(21)
 same => n(dial),${o.outbound.dial}
exten => T,1,Hangup(21)
`;
}

export function featureDialplan(o: DialplanOptions & { features: NonNullable<DialplanOptions['features']> }) {
  const grant = o.features.grantCode
    ? `exten => ${o.features.grantCode},1,Stasis(${o.app},${OUTBOUND_GRANT})
 same => n,Hangup()
`
    : '';
  // The phone's own number (CALLERID(num)) is the extension Doorman acts for.
  const lastCaller = LAST_CALLER_ACTIONS.map((action) => {
    const code = o.features.lastCaller?.[action];
    return code ? `exten => ${code},1,Stasis(${o.app},${LAST_CALLER},${action})\n same => n,Hangup()\n` : '';
  }).join('');
  const expect = o.features.expectCode
    ? `exten => ${o.features.expectCode},1,Stasis(${o.app},${EXPECT})\n same => n,Hangup()\n`
    : '';
  return `[${o.features.context}]
exten => *28,1,Stasis(${o.app},${TOGGLE_SCREENING})
 same => n,Hangup()
${grant}${lastCaller}${expect}exten => bypass,hint,Stasis:${BYPASS_DEVICE}
`;
}

/** Every context the options ask for, in one file's text. */
export function dialplan(o: DialplanOptions): string {
  const parts = [inboundDialplan(o)];
  if (o.outbound) parts.push(outboundDialplan({ ...o, outbound: o.outbound }));
  if (o.features) parts.push(featureDialplan({ ...o, features: o.features }));
  return parts.join('\n');
}

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DoormanError } from '../errors.js';
import {
  RTP_PAYLOAD_TYPES,
  type RtpPart,
  rtpCapture,
  type SipCodec,
  TELEPHONE_EVENT_PT,
} from './rtp-capture.js';

const run = promisify(execFile);
/** The sandbox's SIP transport (docker/asterisk/pjsip.conf). */
export const SANDBOX_SIP = '127.0.0.1:5160';
const CODEC_NAMES: Record<SipCodec, string> = { ulaw: 'PCMU/8000', alaw: 'PCMA/8000', g722: 'G722/8000' };

export interface SipCallOptions {
  from: string;
  /** The From header's display name (the caller-ID name). */
  name?: string;
  to: string;
  codec: SipCodec;
  /** What the phone sends once the call is answered. */
  rtp: RtpPart[];
  /** The phone hangs up (BYE) this long after the answer; otherwise it waits for Asterisk's BYE. */
  hangUpAfterMs?: number;
  timeoutMs?: number;
  /** Where Asterisk takes SIP (default the sandbox's). */
  asterisk?: string;
  /** An RFC 8224 Identity header's value (a signed PASSporT), for STIR/SHAKEN verification. */
  identity?: string;
}

export interface SipCallResult {
  /** SIPp's exit status: 0 when every message of the scenario went as written. */
  status: number | null;
  /** SIPp's message trace, for a failing assertion. */
  trace: string;
}

/**
 * Each call's SIP port; SIPp's media takes the next few (audio RTP and RTCP, video), so calls
 * that overlap keep ten apart.
 */
let nextPort = 5300 + (process.pid % 50) * 40;

/**
 * One call from SIPp (Debian's sip-tester), a real SIP user agent on loopback: INVITE offering
 * one codec and telephone-event, the RTP of `rtp` after the answer, then BYE either way.
 */
export async function sipCall(o: SipCallOptions): Promise<SipCallResult> {
  const dir = mkdtempSync(join(tmpdir(), 'doorman-sipp-'));
  const pcap = join(dir, 'caller.pcap');
  writeFileSync(pcap, rtpCapture(o.codec, o.rtp));
  const scenario = join(dir, 'caller.xml');
  writeFileSync(scenario, scenarioXml(o, pcap));
  const port = nextPort;
  nextPort = nextPort + 10 > 6900 ? 5300 : nextPort + 10;
  const timeoutMs = o.timeoutMs ?? 60_000;
  try {
    const out = await run(
      'sipp',
      [
        o.asterisk ?? SANDBOX_SIP,
        '-sf',
        scenario,
        '-m',
        '1',
        '-i',
        '127.0.0.1',
        '-p',
        String(port),
        '-mi',
        '127.0.0.1',
        '-mp',
        String(port + 2),
        '-s',
        o.to,
        '-timeout',
        `${Math.ceil(timeoutMs / 1000)}s`,
        '-timeout_error',
        '-nostdin',
        '-trace_msg',
        '-message_file',
        join(dir, 'messages.log'),
      ],
      { timeout: timeoutMs + 5_000 },
    ).then(
      () => ({ status: 0, stderr: '' }),
      (e: { code?: number | string | null; stderr?: string }) => {
        if (e.code === 'ENOENT')
          throw new DoormanError('SIPP_MISSING', 'a SIP call needs SIPp: apt-get install sip-tester');
        return { status: typeof e.code === 'number' ? e.code : null, stderr: e.stderr ?? '' };
      },
    );
    let trace = '';
    try {
      trace = readFileSync(join(dir, 'messages.log'), 'utf8');
    } catch {}
    return { status: out.status, trace: out.stderr ? `${trace}\nSIPp said: ${out.stderr}` : trace };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function scenarioXml(o: SipCallOptions, pcap: string): string {
  const pt = RTP_PAYLOAD_TYPES[o.codec];
  const display = o.name ? `"${o.name.replace(/["\\]/g, '')}" ` : '';
  // A request of the phone's own in this call: the INVITE, its ACK, a BYE.
  const request = (method: string, cseq: number, inDialog: boolean) =>
    `${method} sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: ${display}<sip:${o.from}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>${inDialog ? '[peer_tag_param]' : ''}
Call-ID: [call_id]
CSeq: ${cseq} ${method}
Max-Forwards: 70`;
  const end =
    o.hangUpAfterMs === undefined
      ? `
  <recv request="BYE" timeout="${o.timeoutMs ?? 60_000}"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:${o.from}@[local_ip]:[local_port]>
Content-Length: 0

]]></send>`
      : `
  <pause milliseconds="${o.hangUpAfterMs}"/>
  <send><![CDATA[
${request('BYE', 2, true)}
Content-Length: 0

]]></send>
  <recv response="200" timeout="10000"/>`;
  // The From's display name and user are the caller ID; X-Doorman-Caller picks the sandbox's
  // sip-caller endpoint (pjsip.conf identify).
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="Doorman SIP caller">
  <send retrans="500"><![CDATA[
${request('INVITE', 1, false)}
Contact: <sip:${o.from}@[local_ip]:[local_port]>
X-Doorman-Caller: sipp${o.identity ? `\nIdentity: ${o.identity}` : ''}
Content-Type: application/sdp
Content-Length: [len]

v=0
o=sipp 1 1 IN IP[local_ip_type] [local_ip]
s=Doorman test caller
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP ${pt} ${TELEPHONE_EVENT_PT}
a=rtpmap:${pt} ${CODEC_NAMES[o.codec]}
a=rtpmap:${TELEPHONE_EVENT_PT} telephone-event/8000
a=fmtp:${TELEPHONE_EVENT_PT} 0-16
a=ptime:20
a=sendrecv
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rtd="true" timeout="${o.timeoutMs ?? 60_000}"/>
  <send><![CDATA[
${request('ACK', 1, true)}
Content-Length: 0

]]></send>
  <nop><action><exec play_pcap_audio="${pcap}"/></action></nop>${end}
</scenario>
`;
}

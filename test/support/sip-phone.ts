import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  RTP_PAYLOAD_TYPES,
  type RtpPart,
  rtpCapture,
  type SipCodec,
  TELEPHONE_EVENT_PT,
} from './rtp-pcap.js';

const run = promisify(execFile);
const ROOT = process.env.ASTERISK_ROOT ?? '/opt/doorman-asterisk';
/** The sandbox's SIP transport (docker/asterisk/pjsip.conf) and the header that names the caller's endpoint. */
const ASTERISK_SIP = '127.0.0.1:5160';
const CODEC_NAMES: Record<SipCodec, string> = { ulaw: 'PCMU/8000', alaw: 'PCMA/8000', g722: 'G722/8000' };

/**
 * A WAV file as a phone using `codec` sends it: encoded by the sandbox Asterisk's own codecs
 * (`file convert`, res_convert), as raw payload bytes.
 */
export async function encodeForSip(wav: string, codec: SipCodec): Promise<Buffer> {
  const dir = join(ROOT, 'tmp', 'doorman-sip');
  mkdirSync(dir, { recursive: true });
  const base = `enc-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  copyFileSync(wav, join(dir, `${base}.wav`));
  try {
    const { stdout } = await run(
      'scripts/asterisk.sh',
      ['cli', `file convert /tmp/doorman-sip/${base}.wav /tmp/doorman-sip/${base}.${codec}`],
      { timeout: 15_000 },
    );
    if (!/Converted/.test(stdout))
      throw new Error(`Asterisk could not convert ${wav} to ${codec}: ${stdout}`);
    return readFileSync(join(dir, `${base}.${codec}`));
  } finally {
    rmSync(join(dir, `${base}.wav`), { force: true });
    rmSync(join(dir, `${base}.${codec}`), { force: true });
  }
}

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
}

export interface SipCallResult {
  /** SIPp's exit status: 0 when every message of the scenario went as written. */
  status: number | null;
  /** SIPp's message trace, for a failing assertion. */
  trace: string;
}

let nextPort = 5300 + (process.pid % 50) * 4;

/**
 * One call from SIPp (Debian's sip-tester), a real SIP user agent on loopback: INVITE offering
 * one codec and telephone-event, the RTP of `rtp` after the answer, then BYE either way.
 */
export async function sipCall(o: SipCallOptions): Promise<SipCallResult> {
  const dir = mkdtempSync(join('/tmp', 'doorman-sipp-'));
  const pcap = join(dir, 'caller.pcap');
  writeFileSync(pcap, rtpCapture(o.codec, o.rtp));
  const scenario = join(dir, 'caller.xml');
  writeFileSync(scenario, scenarioXml(o, pcap));
  const port = nextPort;
  nextPort += 4;
  const timeoutMs = o.timeoutMs ?? 60_000;
  try {
    const out = await run(
      'sipp',
      [
        ASTERISK_SIP,
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
      () => 0,
      (e: { code?: number | null }) => (typeof e.code === 'number' ? e.code : null),
    );
    let trace = '';
    try {
      trace = readFileSync(join(dir, 'messages.log'), 'utf8');
    } catch {}
    return { status: out, trace };
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
X-Doorman-Caller: sipp
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

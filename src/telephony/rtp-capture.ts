/**
 * What a SIP phone sends, as a capture SIPp replays (`play_pcap_audio`): one RTP stream of
 * 20 ms packets carrying encoded audio, with RFC 4733 telephone-events at given moments. SIPp
 * sends each packet at its capture time, to the address Asterisk's SDP answer gave.
 */

export interface RtpPart {
  /** Encoded audio (8000 bytes a second: G.711 or G.722 at 64 kbit/s), sent as it is. */
  payload?: Buffer;
  /** Keys sent as RFC 4733 events, each 100 ms long with 100 ms between them. */
  digits?: string;
  /** Silence (the codec's own) for this long. */
  silenceMs?: number;
}

export const RTP_PAYLOAD_TYPES = { ulaw: 0, alaw: 8, g722: 9 } as const;
export type SipCodec = keyof typeof RTP_PAYLOAD_TYPES;
/** The payload type the SIPp scenario offers for telephone-event. */
export const TELEPHONE_EVENT_PT = 101;

const SILENCE_BYTE: Record<SipCodec, number> = { ulaw: 0xff, alaw: 0xd5, g722: 0xff };
const FRAME_BYTES = 160; // 20 ms at 8000 bytes a second, for all three codecs
const FRAME_TICKS = 160; // RTP clock of 8000 Hz (G.722's too, RFC 3551)
const EVENT_CODES = '0123456789*#';

/** A pcap (Ethernet/IPv4/UDP on loopback) of the parts, one after another; SIPp rewrites the addresses. */
export function rtpCapture(codec: SipCodec, parts: RtpPart[]): Buffer {
  const packets: Array<{ atMs: number; rtp: Buffer }> = [];
  const ssrc = 0x5e11ca11;
  let seq = 1;
  let ts = 0;
  let atMs = 0;
  let first = true;
  const audio = (frame: Buffer) => {
    packets.push({ atMs, rtp: rtpPacket(RTP_PAYLOAD_TYPES[codec], seq++, ts, ssrc, first, frame) });
    first = false;
    ts += FRAME_TICKS;
    atMs += 20;
  };
  const silence = (ms: number) => {
    for (let t = 0; t < ms; t += 20) audio(Buffer.alloc(FRAME_BYTES, SILENCE_BYTE[codec]));
  };
  for (const part of parts) {
    if (part.silenceMs) silence(part.silenceMs);
    if (part.payload) {
      for (let o = 0; o < part.payload.length; o += FRAME_BYTES) {
        const frame = Buffer.alloc(FRAME_BYTES, SILENCE_BYTE[codec]);
        part.payload.copy(frame, 0, o, Math.min(o + FRAME_BYTES, part.payload.length));
        audio(frame);
      }
    }
    for (const digit of part.digits ?? '') {
      const event = EVENT_CODES.indexOf(digit);
      if (event < 0) throw new Error(`no RFC 4733 event for "${digit}"`);
      // One event: packets every 20 ms with a growing duration, the last sent three times with
      // the end bit (RFC 4733 2.5.1.4), all with the event's start timestamp.
      const start = ts;
      for (let d = FRAME_TICKS; d <= 5 * FRAME_TICKS; d += FRAME_TICKS) {
        const end = d === 5 * FRAME_TICKS;
        for (let copy = 0; copy < (end ? 3 : 1); copy++) {
          const body = Buffer.from([event, (end ? 0x80 : 0) | 10, d >> 8, d & 0xff]);
          packets.push({
            atMs,
            rtp: rtpPacket(TELEPHONE_EVENT_PT, seq++, start, ssrc, d === FRAME_TICKS, body),
          });
        }
        atMs += 20;
        ts += FRAME_TICKS;
      }
      silence(100);
    }
  }
  return pcap(packets);
}

function rtpPacket(
  pt: number,
  seq: number,
  ts: number,
  ssrc: number,
  marker: boolean,
  payload: Buffer,
): Buffer {
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h[1] = (marker ? 0x80 : 0) | pt;
  h.writeUInt16BE(seq & 0xffff, 2);
  h.writeUInt32BE(ts >>> 0, 4);
  h.writeUInt32BE(ssrc, 8);
  return Buffer.concat([h, payload]);
}

function pcap(packets: Array<{ atMs: number; rtp: Buffer }>): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20); // Ethernet
  const records = packets.map(({ atMs, rtp }) => {
    const udp = Buffer.alloc(8);
    udp.writeUInt16BE(40000, 0);
    udp.writeUInt16BE(40002, 2);
    udp.writeUInt16BE(8 + rtp.length, 4);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + 8 + rtp.length, 2);
    ip[8] = 64;
    ip[9] = 17; // UDP
    Buffer.from([127, 0, 0, 1]).copy(ip, 12);
    Buffer.from([127, 0, 0, 1]).copy(ip, 16);
    ip.writeUInt16BE(ipChecksum(ip), 10);
    const eth = Buffer.alloc(14);
    eth.writeUInt16BE(0x0800, 12);
    const frame = Buffer.concat([eth, ip, udp, rtp]);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(atMs / 1000), 0);
    rec.writeUInt32LE((atMs % 1000) * 1000, 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    return Buffer.concat([rec, frame]);
  });
  return Buffer.concat([header, ...records]);
}

function ipChecksum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < h.length; i += 2) sum += h.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

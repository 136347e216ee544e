import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `X-Doorman-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the timestamp
 * is signed with the body, so a receiver can refuse replays of old deliveries.
 */
export function signature(secret: string, body: string, at = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  const mac = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${mac}`;
}

/** What a receiver does: true when the header signs this body with this secret, recently enough. */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  toleranceSeconds = 300,
  now = new Date(),
): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isFinite(t) || Math.abs(now.getTime() / 1000 - t) > toleranceSeconds || !parts.v1) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const got = Buffer.from(parts.v1);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

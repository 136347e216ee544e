import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** The sandbox's STIR/SHAKEN chain (scripts/asterisk.sh make_stir_certs), made at each start. */
const dir = () => process.env.DOORMAN_SANDBOX_STIR_DIR ?? '/opt/doorman-asterisk/etc/asterisk/stir';

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/**
 * An RFC 8224 Identity header's value: a SHAKEN PASSporT (RFC 8588) for a call from `orig` to
 * `dest`, signed ES256 with the sandbox's certificate key, or with a key of its own when
 * `forged` (a signature that cannot verify against the certificate at `x5u`).
 */
export function identityHeader(o: {
  x5u: string;
  orig: string;
  dest: string;
  attest: 'A' | 'B' | 'C';
  forged?: boolean;
}): string {
  const header = { alg: 'ES256', ppt: 'shaken', typ: 'passport', x5u: o.x5u };
  const claims = {
    attest: o.attest,
    dest: { tn: [o.dest.replace(/^\+/, '')] },
    iat: Math.floor(Date.now() / 1000),
    orig: { tn: o.orig.replace(/^\+/, '') },
    origid: randomUUID(),
  };
  const signing = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const key = o.forged
    ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey
    : createPrivateKey(readFileSync(join(dir(), 'caller.key')));
  const signature = sign('sha256', Buffer.from(signing), { key, dsaEncoding: 'ieee-p1363' });
  return `${signing}.${b64url(signature)};info=<${o.x5u}>;alg=ES256;ppt=shaken`;
}

/** The signing certificate, served on loopback where the PASSporTs' x5u points Asterisk. */
export async function serveCertificate(): Promise<{ url: string; close(): Promise<void> }> {
  const pem = readFileSync(join(dir(), 'caller.pem'));
  const server = createServer((req, res) => {
    if (req.url !== '/caller.pem') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(pem);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/caller.pem`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

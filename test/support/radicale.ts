import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port nobody listens on now (the kernel's pick, released at once for the server to take). */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export interface RadicaleServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  user: string;
  password: string;
  /** Creates an address book collection at `path` (`/alice/contacts/`). */
  makeAddressBook(path: string): Promise<void>;
  /** Stores a vCard at `path` (Radicale checks it, and refuses what it cannot read). */
  put(path: string, vcard: string): Promise<void>;
  delete(path: string): Promise<void>;
  /** Any WebDAV request as the test user; the status and body. */
  dav(method: string, path: string, body?: string): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

/**
 * A real Radicale (Debian's `radicale` package, scripts/setup.sh) on loopback: a port and a
 * storage folder of its own, one htpasswd user (plain). Its own config file replaces the
 * machine's (/etc/radicale/config expects a proxy in front).
 */
export async function radicale(): Promise<RadicaleServer> {
  const dir = mkdtempSync(join(tmpdir(), 'doorman-radicale-'));
  const port = await freePort();
  const user = 'alice';
  const password = 'wonderland';
  writeFileSync(join(dir, 'users'), `${user}:${password}\n`);
  writeFileSync(
    join(dir, 'config'),
    [
      '[server]',
      `hosts = 127.0.0.1:${port}`,
      '[auth]',
      'type = htpasswd',
      `htpasswd_filename = ${join(dir, 'users')}`,
      'htpasswd_encryption = plain',
      // A wrong password answers at once (the default delay would slow the refusal test by a second).
      'delay = 0',
      '[rights]',
      'type = owner_only',
      '[storage]',
      `filesystem_folder = ${join(dir, 'collections')}`,
      '[logging]',
      'level = warning',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('radicale', ['--config', join(dir, 'config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnFailed = new Promise<never>((_, reject) =>
    child.once('error', (e) =>
      reject(new Error(`radicale could not start (apt-get install radicale): ${e.message}`)),
    ),
  );
  const origin = `http://127.0.0.1:${port}`;
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  const dav = async (method: string, path: string, body?: string) => {
    const res = await fetch(origin + path, {
      method,
      headers: { Authorization: auth, 'Content-Type': method === 'PUT' ? 'text/vcard' : 'application/xml' },
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.text() };
  };
  const expect = async (method: string, path: string, ok: number[], body?: string) => {
    const r = await dav(method, path, body);
    if (!ok.includes(r.status))
      throw new Error(`Radicale: ${method} ${path} answered ${r.status}: ${r.body}`);
  };

  const up = async () => {
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`radicale exited: ${stderr}`);
      const answered = await fetch(origin, { signal: AbortSignal.timeout(1_000) }).then(
        () => true,
        () => false,
      );
      if (answered) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`radicale did not answer on ${origin} within 10 s: ${stderr}`);
  };
  await Promise.race([up(), spawnFailed]);

  return {
    origin,
    user,
    password,
    dav,
    makeAddressBook: (path) =>
      expect(
        'MKCOL',
        path,
        [201],
        `<?xml version="1.0" encoding="utf-8"?>
<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:set><D:prop>
<D:resourcetype><D:collection/><C:addressbook/></D:resourcetype><D:displayname>Contacts</D:displayname>
</D:prop></D:set></D:mkcol>`,
      ),
    put: (path, vcard) => expect('PUT', path, [201, 204], vcard),
    delete: (path) => expect('DELETE', path, [200, 204]),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill();
        await exited;
      }
    },
  };
}

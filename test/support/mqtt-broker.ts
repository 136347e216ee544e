import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.setTimeout(500, () => {
      s.destroy();
      resolve(false);
    });
    s.on('connect', () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });

/**
 * A real Mosquitto on loopback: the machine's own at 127.0.0.1:1883, else one started here from
 * Debian's `mosquitto` on a port of its own (and stopped by `stop`).
 */
export async function mosquitto(): Promise<{ port: number; stop: () => Promise<void> }> {
  if (await canConnect(1883)) return { port: 1883, stop: async () => {} };
  const port = 18_830 + (process.pid % 100);
  const dir = mkdtempSync(join(tmpdir(), 'doorman-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const child: ChildProcess = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  for (let i = 0; i < 50 && !(await canConnect(port)); i++) await new Promise((r) => setTimeout(r, 100));
  return {
    port,
    stop: async () => {
      child.kill();
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** A loopback TCP proxy to `port` whose connections can be cut (a broker dropping its clients). */
export class CuttableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly port: number) {}

  async start(): Promise<number> {
    this.server = createServer((client) => {
      const upstream = connect({ host: '127.0.0.1', port: this.port });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    return (this.server?.address() as { port: number }).port;
  }

  cut(): void {
    for (const s of this.sockets) s.destroy();
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise((r) => this.server?.close(r));
  }
}

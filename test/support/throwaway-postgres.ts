import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PostgreSQL server of the test's own (Debian's binaries, loopback), to stop and start at will. */
export class ThrowawayPostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'doorman-pg-'));
  private readonly bin: string;

  constructor(readonly port: number) {
    // While the server is down, a client retrying 127.0.0.1:port may be given that very port as
    // its own source port and connect to itself (Linux allows it), holding the port so the
    // server cannot start again: seen once in CI (TIME-WAIT 127.0.0.1:55432 -> 127.0.0.1:55432).
    // Outside the ephemeral range no client is ever given it.
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (port >= (low as number) && port <= (high as number)) {
      throw new Error(`port ${port} is in the ephemeral range ${low}-${high}: pick one outside it`);
    }
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
    this.bin = join('/usr/lib/postgresql', versions.at(-1) as string, 'bin');
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(this.dir, uid, gid);
    this.asPostgres(`${this.bin}/initdb -D ${this.dir}/data -A trust -U postgres`);
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private asPostgres(cmd: string): void {
    execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', cmd], { stdio: 'ignore', timeout: 60_000 });
  }

  start(): void {
    this.asPostgres(
      `${this.bin}/pg_ctl -D ${this.dir}/data -l ${this.dir}/log -w -o '-h 127.0.0.1 -p ${this.port} -k ${this.dir}' start`,
    );
  }

  /** Stops at once, as a crash or a network cut would look to Doorman. */
  stop(): void {
    this.asPostgres(`${this.bin}/pg_ctl -D ${this.dir}/data -m immediate -w stop`);
  }
}

import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PostgreSQL server of the test's own (Debian's binaries, loopback), to stop and start at will. */
export class ThrowawayPostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'doorman-pg-'));
  private readonly bin: string;

  constructor(readonly port: number) {
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

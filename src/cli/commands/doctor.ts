import { pino } from 'pino';
import type { Config } from '../../config/schema.js';
import { createLogger } from '../../log.js';
import { type Flags, str } from '../usage.js';

export async function cmdDoctor(config: Config, _args: string[], v: Flags): Promise<void> {
  const { doctor, formatFindings } = await import('../doctor.js');
  const findings = await doctor(config, {
    asteriskEtc: str(v, 'asterisk-etc') ?? '/etc/asterisk',
    sounds: str(v, 'sounds') ?? '/usr/share/asterisk/sounds',
    logger: createLogger('error', pino.destination(2)),
  });
  process.stdout.write(formatFindings(findings));
  process.exitCode = findings.every((f) => f.ok) ? 0 : 1;
}

import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SipCodec } from '../../src/telephony/rtp-capture.js';

const run = promisify(execFile);
const ROOT = process.env.ASTERISK_ROOT ?? '/opt/doorman-asterisk';

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

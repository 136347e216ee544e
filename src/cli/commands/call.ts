import type { Config } from '../../config/schema.js';
import { createLogger } from '../../log.js';
import { type Flags, number, str, UsageError } from '../usage.js';

function sipCodec(codec = 'ulaw'): 'ulaw' | 'alaw' {
  if (codec !== 'ulaw' && codec !== 'alaw') throw new UsageError(`--codec is ulaw or alaw, got "${codec}"`);
  return codec;
}

export async function cmdCall(config: Config, _args: string[], v: Flags): Promise<void> {
  const logger = createLogger('warn');
  const { SimulatedCaller } = await import('../../telephony/simulated-caller.js');
  const caller = new SimulatedCaller(config, logger);
  await caller.connect();
  try {
    const result = await caller.call({
      from: str(v, 'from') ?? '+15551234567',
      name: str(v, 'name'),
      to: str(v, 'to') ?? '15550001000',
      say: str(v, 'say'),
      delaySeconds: number(str(v, 'delay'), 3.5, '--delay'),
      dtmf: str(v, 'dtmf'),
      waitSeconds: number(str(v, 'wait'), 20, '--wait'),
      timeoutMs: number(str(v, 'timeout'), 60, '--timeout') * 1000,
      ...(v.sip ? { sip: sipCodec(str(v, 'codec')) } : {}),
    });
    if (v.json) {
      console.log(JSON.stringify(result));
    } else {
      console.log(
        `call ${result.id} from ${str(v, 'from') ?? '+15551234567'} to ${str(v, 'to') ?? '15550001000'}`,
      );
      for (const t of result.timeline)
        console.log(`  ${(t.atMs / 1000).toFixed(2).padStart(6)} s  ${t.what}`);
      console.log(
        result.destination
          ? `outcome: routed to "${result.destination}"${result.destination === 'fallback' ? ' (the dialplan fallback: Doorman was not running or gave the call back)' : ''}`
          : `outcome: no destination reached${result.hungUp ? ' (call ended)' : ' (timed out)'}`,
      );
    }
    process.exitCode = result.destination ? 0 : 1;
  } finally {
    await caller.close();
  }
}

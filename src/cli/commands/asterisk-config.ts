import type { Config } from '../../config/schema.js';
import { asteriskConfig } from '../asterisk-config.js';
import { type Flags, str } from '../usage.js';

export function cmdAsteriskConfig(config: Config, _args: string[], v: Flags): void {
  process.stdout.write(
    asteriskConfig(config, {
      inboundContext: str(v, 'inbound-context'),
      fallback: str(v, 'fallback'),
      outboundContext: str(v, 'outbound-context'),
      dial: str(v, 'dial'),
      featuresContext: str(v, 'features-context'),
      secondApp: str(v, 'second-app'),
      dialplanOnly: v['dialplan-only'] === true,
    }),
  );
}

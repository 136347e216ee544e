import type { Config } from '../../config/schema.js';
import { hideSecrets } from '../../config/secrets.js';

export function cmdConfig(config: Config): void {
  console.log(JSON.stringify(hideSecrets(config), null, 2));
}

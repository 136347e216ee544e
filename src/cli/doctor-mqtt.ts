import mqtt from 'mqtt';
import type { Config } from '../config/schema.js';
import { hideInUrl } from '../config/secrets.js';
import { withTimeout } from '../util/timeout.js';
import type { Finding } from './doctor.js';

/** With `mqtt.url` set: can this machine reach the broker with Doorman's credentials? */
export async function checkMqtt(config: Config, out: Finding[]): Promise<void> {
  const { url, username, password, timeoutMs } = config.mqtt;
  if (!url) return;
  const shown = hideInUrl(url);
  const client = mqtt.connect(url, {
    ...(username ? { username, password } : {}),
    connectTimeout: timeoutMs,
    reconnectPeriod: 0,
  });
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
      }),
      timeoutMs,
      'connecting to the MQTT broker',
    );
    out.push({ check: 'MQTT broker', ok: true, detail: `${shown}: connected` });
  } catch (e) {
    out.push({
      check: 'MQTT broker',
      ok: false,
      detail: `${shown}: ${(e as Error).message}`,
      fix: 'check mqtt.url, mqtt.username and mqtt.password, and that the broker runs; calls are screened without it',
    });
  } finally {
    client.end(true);
  }
}

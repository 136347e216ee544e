import { z } from 'zod';
import { ms } from './units.js';

// `mqtt`: state, events and commands over an MQTT broker (Home Assistant, Node-RED...).

const topicPart = z.string().regex(/^[A-Za-z0-9_-][A-Za-z0-9_/-]{0,99}$/, 'letters, digits, _, - and /');

export const mqtt = z
  .object({
    /** The broker, `mqtt://host:1883` or `mqtts://...`; empty: no MQTT. */
    url: z
      .string()
      .regex(/^(mqtts?:\/\/.+)?$/, 'mqtt://host:port or mqtts://host:port')
      .default(''),
    username: z.string().default(''),
    password: z.string().default(''),
    /** Every topic Doorman uses starts with this: `doorman/state/screening`, `doorman/set/screening`. */
    topic: topicPart.default('doorman'),
    /** Home Assistant's discovery prefix; empty: no discovery messages. */
    discoveryPrefix: z.union([topicPart, z.literal('')]).default('homeassistant'),
    /** Names this Doorman's device in Home Assistant (one per Doorman on a broker). */
    nodeId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -')
      .default('doorman'),
    /** Deadline to connect, and to hand a message to the broker. */
    timeoutMs: ms(500, 60_000, 5_000),
  })
  .strict()
  .prefault({});

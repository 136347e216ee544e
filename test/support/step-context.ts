import { pino } from 'pino';
import { RecordingStore } from '../../src/calls/recordings.js';
import type { StepContext } from '../../src/calls/steps/step-context.js';
import type { Challenge } from '../../src/challenge/setup.js';
import type { Config, Route } from '../../src/config/schema.js';
import { normalizeNumber } from '../../src/match/caller-id.js';
import type { CheckTrace } from '../../src/policy/pipeline.js';
import type { PinSets } from '../../src/store/pin-sets.js';
import type { MemoryChannel } from './memory-channel.js';

/**
 * A call's step context around an in-memory channel, as CallSession builds it on a live call:
 * empty lists, screening on, and the config's route. The traces the steps write land in
 * `traces`, and what they found in `found`.
 */
export function stepContext(
  config: Config,
  channel: MemoryChannel,
  parts: { route?: Route; challenge?: Challenge; pins?: PinSets; callerNumber?: string } = {},
): StepContext & { traces: CheckTrace[] } {
  const route = parts.route ?? (config.routes.default as Route);
  const traces: CheckTrace[] = [];
  return {
    caller: normalizeNumber(parts.callerNumber ?? '+15551230001', config.numbers.defaultCountry),
    callerName: 'MEMORY CALLER',
    did: '15550001000',
    route,
    now: new Date(),
    lists: async () => ({}),
    nameRule: async () => null,
    numberRule: async () => null,
    bypass: async () => ({ off: false, until: null }),
    flooded: () => null,
    hasDestination: (name) => name in config.destinations,
    channel,
    config,
    // A step that needs what the test did not give fails loudly, as a missing dependency would.
    challenge: parts.challenge ?? missing<Challenge>('challenge'),
    pins: parts.pins ?? missing<PinSets>('pins'),
    recordings: new RecordingStore(config.recordings.dir),
    log: pino({ level: 'silent' }),
    publish: () => {},
    timings: {},
    found: {},
    trace: (t) => traces.push(t),
    traces,
  };
}

function missing<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get: (_, key) => {
      throw new Error(`the test gave the step context no ${what} (asked for ${String(key)})`);
    },
  });
}

import { z } from 'zod';
import { unknownDestination } from './destinations.js';
import { announce } from './sections/announce.js';
import { ari, calls, simulator } from './sections/asterisk.js';
import { challenge, directory } from './sections/challenge.js';
import { contacts } from './sections/contacts.js';
import { type destination, destinations, type dialplanTarget } from './sections/destinations.js';
import { log, numbers } from './sections/general.js';
import { house } from './sections/house.js';
import { mqtt } from './sections/mqtt.js';
import { outbound, outboundPin } from './sections/outbound.js';
import { phones } from './sections/phones.js';
import { pins } from './sections/pins.js';
import { checks, floods, type route, routes } from './sections/routes.js';
import { listen, speech } from './sections/speech.js';
import { recordings, store } from './sections/store.js';
import { web, webhooks } from './sections/web.js';

export { HANGUP_CAUSES } from './sections/destinations.js';
export { INTERACTIVE_CHECKS, ROUTE_CHECKS, type RouteCheck } from './sections/routes.js';

/**
 * The whole configuration. Each section's keys, defaults and limits (with their doc comments,
 * the configuration reference) are in src/config/sections/, in the file named beside it here;
 * what spans sections (routes naming existing destinations) is checked below.
 */
export const configSchema = z
  .object({
    ari, // asterisk.ts
    log, // general.ts
    calls, // asterisk.ts
    listen, // speech.ts
    speech, // speech.ts
    directory, // challenge.ts
    challenge, // challenge.ts
    store, // store.ts
    numbers, // general.ts
    checks, // routes.ts
    floods, // routes.ts
    outbound, // outbound.ts
    pins, // pins.ts
    outboundPin, // outbound.ts
    phones, // phones.ts
    announce, // announce.ts
    house, // house.ts
    recordings, // store.ts
    web, // web.ts
    webhooks, // web.ts
    mqtt, // mqtt.ts
    contacts, // contacts.ts
    destinations, // destinations.ts
    /** Keyed by the Stasis argument (the DID); `default` serves every other call. */
    routes, // routes.ts
    /** Where `doorman call` places simulated calls (the Asterisk sandbox). */
    simulator, // asterisk.ts
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const [name, r] of Object.entries(cfg.routes)) {
      for (const key of ['unknown', 'machine', 'blocked', 'flooded', 'pin'] as const) {
        const dest = key === 'pin' ? r.pin?.destination : r[key];
        const problem = dest === undefined ? null : unknownDestination(cfg.destinations, dest);
        if (problem) {
          ctx.addIssue({
            code: 'custom',
            path: key === 'pin' ? ['routes', name, 'pin', 'destination'] : ['routes', name, key],
            message: problem,
          });
        }
      }
    }
    for (const mode of ['home', 'away'] as const) {
      const dest = cfg.house[mode].destination;
      const problem = dest === undefined ? null : unknownDestination(cfg.destinations, dest);
      if (problem) ctx.addIssue({ code: 'custom', path: ['house', mode, 'destination'], message: problem });
    }
    for (const key of ['voicemail', 'noDecision'] as const) {
      const problem = unknownDestination(cfg.destinations, cfg.announce[key]);
      if (problem) ctx.addIssue({ code: 'custom', path: ['announce', key], message: problem });
    }
    if (cfg.contacts.destination !== null) {
      const problem = unknownDestination(cfg.destinations, cfg.contacts.destination);
      if (problem) ctx.addIssue({ code: 'custom', path: ['contacts', 'destination'], message: problem });
    }
    for (const [ext, dest] of Object.entries(cfg.phones.extensions)) {
      const problem = unknownDestination(cfg.destinations, dest);
      if (problem) ctx.addIssue({ code: 'custom', path: ['phones', 'extensions', ext], message: problem });
    }
    const codes = [
      cfg.phones.allowLastCode,
      cfg.phones.blockLastCode,
      cfg.phones.refileLastCode,
      cfg.phones.expectCode,
    ];
    if (new Set([...codes, cfg.outboundPin.featureCode, '*28']).size !== codes.length + 2) {
      ctx.addIssue({
        code: 'custom',
        path: ['phones'],
        message: 'the feature codes must differ from each other, from outboundPin.featureCode and from *28',
      });
    }
    if (cfg.ari.reconnectMinMs > cfg.ari.reconnectMaxMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['ari', 'reconnectMinMs'],
        message: 'must not exceed ari.reconnectMaxMs',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;
export type Destination = z.infer<typeof destination>;
export type DialplanDestination = z.infer<typeof dialplanTarget>;
export type Route = z.infer<typeof route>;

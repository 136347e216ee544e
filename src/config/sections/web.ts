import { z } from 'zod';
import { ms } from './units.js';

// `web` (the admin API) and `webhooks` (signed events for calls and changes to screening and the lists).

export const web = z
  .object({
    /** The admin API; only /health answers without logging in. */
    enabled: z.boolean().default(true),
    /** 127.0.0.1: this machine only. To reach it from elsewhere, put a TLS proxy in front. */
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8089),
    /** How long a login lasts. */
    sessionHours: z.number().min(0.1).max(720).default(12),
    /** Mark cookies Secure: set when browsers reach Doorman over HTTPS (through a proxy). */
    secureCookies: z.boolean().default(false),
    /** Failed logins allowed per address and per account in a minute; more are answered 429. */
    loginFailuresPerMinute: z.number().int().min(1).max(1000).default(5),
    /**
     * Behind proxies: how many (true: one) stand between the client and Doorman. The client's
     * address (for the login limit) is then the X-Forwarded-For entry that many hops back;
     * entries before it are whatever the client chose to send.
     */
    trustProxy: z.union([z.boolean(), z.number().int().min(0).max(10)]).default(false),
  })
  .strict()
  .prefault({});

export const webhooks = z
  .object({
    /** Receivers of signed JSON events (a CRM, a ticket system): every finished call, and what else each asks for. */
    endpoints: z
      .array(
        z
          .object({
            url: z.url({ protocol: /^https?$/ }),
            /** Signs every delivery (X-Doorman-Signature); share it with the receiver. */
            secret: z.string().min(16, 'at least 16 characters'),
            timeoutMs: ms(500, 60_000, 5_000),
            /**
             * The events this receiver is sent: `call.finished`; `call.started` as a call enters
             * Doorman; `screening.changed` and `caller.listed` as screening and the lists change.
             */
            events: z
              .array(z.enum(['call.started', 'call.finished', 'screening.changed', 'caller.listed']))
              .min(1)
              .default(['call.finished']),
          })
          .strict(),
      )
      .default([]),
    /** Events wait here until delivered (kept across restarts and receiver outages). */
    outboxDir: z.string().min(1).default('var/webhooks'),
    /** How receivers reach this Doorman's API, for recording links (empty: no links). */
    publicUrl: z.string().default(''),
    retryMinMs: ms(100, 60_000, 1_000),
    retryMaxMs: ms(1_000, 3_600_000, 60_000),
  })
  .strict()
  .prefault({});

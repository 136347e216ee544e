import type { FastifyPluginAsync } from 'fastify';
import { HttpError } from '../http-errors.js';
import { type UiAssets, uiAssets } from '../ui-assets.js';

/** Stricter than the API's: our own script, styles and media only; nothing inline, no framing. */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const FILES: Array<[path: string, type: string, pick: (a: UiAssets) => string]> = [
  ['/', 'text/html; charset=utf-8', (a) => a.html],
  ['/ui/app.js', 'text/javascript; charset=utf-8', (a) => a.js],
  ['/ui/app.css', 'text/css; charset=utf-8', (a) => a.css],
];

/**
 * The admin web app's files. They are public and hold no data (every figure comes from the
 * authenticated API), so they stay out of the API's OpenAPI document.
 */
export const uiRoutes: FastifyPluginAsync = async (app) => {
  uiAssets().catch((err) => app.log.error({ err }, 'the web app cannot be served (tried again on request)'));
  for (const [path, type, pick] of FILES) {
    app.get(path, { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
      let assets: UiAssets;
      try {
        assets = await uiAssets();
      } catch (err) {
        request.log.error({ err }, 'the web app cannot be served');
        throw new HttpError(503, 'UI_UNAVAILABLE', 'the web app is not built; see the log');
      }
      return reply.type(type).header('content-security-policy', UI_CSP).send(pick(assets));
    });
  }
};

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { packagePath } from '../paths.js';
import { withTimeout } from '../util/timeout.js';

/** The admin web app as served: the HTML shell, one script, one stylesheet. */
export interface UiAssets {
  html: string;
  js: string;
  css: string;
}

const UI_DIR = packagePath('src/web/ui');
const BUNDLE_TIMEOUT_MS = 60_000;

async function bundle(): Promise<UiAssets> {
  const [built, html, css] = await Promise.all([
    build({
      entryPoints: [join(UI_DIR, 'app.ts')],
      bundle: true,
      format: 'esm',
      target: 'es2022',
      minify: true,
      write: false,
      logLevel: 'silent',
    }),
    readFile(join(UI_DIR, 'index.html'), 'utf8'),
    readFile(join(UI_DIR, 'app.css'), 'utf8'),
  ]);
  const js = built.outputFiles[0]?.text;
  if (js === undefined) throw new Error('esbuild produced no output');
  return { html, js, css };
}

let cached: Promise<UiAssets> | undefined;

/**
 * Bundled from the TypeScript sources once per process, in memory: no build step, so the app
 * runs the same from src/ (tests) and dist/. A failed bundle is retried by the next caller.
 */
export function uiAssets(): Promise<UiAssets> {
  cached ??= withTimeout(bundle(), BUNDLE_TIMEOUT_MS, 'bundling the web app').catch((e) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

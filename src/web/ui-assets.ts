import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DoormanError } from '../errors.js';
import { packagePath } from '../paths.js';

/** The admin web app as served: the HTML shell, one script, one stylesheet. */
export interface UiAssets {
  html: string;
  js: string;
  css: string;
}

/** Where `npm run build` puts the bundled app (scripts/build-ui.ts). */
const UI_DIR = packagePath('dist/web/ui');

async function load(): Promise<UiAssets> {
  const read = (file: string) =>
    readFile(join(UI_DIR, file), 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new DoormanError(
        'UI_NOT_BUILT',
        `the web app's ${file} is missing from ${UI_DIR} (${e.code ?? e.message}): run npm run build`,
        { file: join(UI_DIR, file) },
      );
    });
  const [html, js, css] = await Promise.all([read('index.html'), read('app.js'), read('app.css')]);
  return { html, js, css };
}

let cached: Promise<UiAssets> | undefined;

/** Read once per process; a failed read (not built yet) is tried again by the next caller. */
export function uiAssets(): Promise<UiAssets> {
  cached ??= load().catch((e) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

// Bundles the admin web app (src/web/ui, browser TypeScript) into dist/web/ui, beside the
// server that serves it: part of `npm run build`, so esbuild is needed to build, not to run.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'src/web/ui');
const to = join(root, 'dist/web/ui');

await mkdir(to, { recursive: true });
await build({
  entryPoints: [join(from, 'app.ts')],
  outfile: join(to, 'app.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  logLevel: 'warning',
});
await Promise.all(['index.html', 'app.css'].map((f) => copyFile(join(from, f), join(to, f))));

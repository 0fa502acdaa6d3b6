import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * `npm run build:console`: the web console (console/src, Preact) bundled by esbuild into dist/console: index.html,
 * and content-hashed JS and CSS under assets/ (cacheable forever; index.html and config.json are not). The build
 * fails when the JavaScript is over its budget, measured gzipped as browsers download it.
 */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CONSOLE_SOURCE = join(ROOT, 'console', 'src');
export const CONSOLE_DIST = join(ROOT, 'dist', 'console');
export const JS_BUDGET_GZIP_BYTES = 200 * 1024;

export interface ConsoleBuild {
  readonly outdir: string;
  readonly jsGzipBytes: number;
  readonly cssGzipBytes: number;
}

export async function buildConsole(outdir = CONSOLE_DIST): Promise<ConsoleBuild> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: [join(CONSOLE_SOURCE, 'main.tsx')],
    outdir: join(outdir, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    format: 'esm',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((path) => join(ROOT, path));
  const script = outputs.find((path) => path.endsWith('.js'));
  const style = outputs.find((path) => path.endsWith('.css'));
  if (!script || !style) throw new Error('the console build produced no JavaScript or CSS');
  const gzipped = (path: string) => gzipSync(readFileSync(path), { level: 9 }).length;
  const jsGzipBytes = outputs.filter((p) => p.endsWith('.js')).reduce((sum, p) => sum + gzipped(p), 0);
  const cssGzipBytes = gzipped(style);
  writeFileSync(join(outdir, 'index.html'), indexHtml(relative(outdir, script), relative(outdir, style)));
  return { outdir, jsGzipBytes, cssGzipBytes };
}

/** The newest modification time under the console sources, to tell whether dist/console is stale. */
export function newestSourceTime(dir = CONSOLE_SOURCE): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceTime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function indexHtml(script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>WhatsApp quality monitor</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="./${style}">
<script type="module" src="./${script}"></script>
</head>
<body>
<div id="app"></div>
<noscript>The console needs JavaScript.</noscript>
</body>
</html>
`;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv[1] && basename(process.argv[1]) === basename(fileURLToPath(import.meta.url))) {
  const built = await buildConsole();
  console.log(
    `console built in ${relative(ROOT, built.outdir)}: JavaScript ${kib(built.jsGzipBytes)} gzipped ` +
      `(budget ${kib(JS_BUDGET_GZIP_BYTES)}), CSS ${kib(built.cssGzipBytes)} gzipped`,
  );
  if (built.jsGzipBytes > JS_BUDGET_GZIP_BYTES) {
    console.error(`The console's JavaScript is over its ${kib(JS_BUDGET_GZIP_BYTES)} gzipped budget.`);
    process.exit(1);
  }
}

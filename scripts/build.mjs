// Bundles the CLI into dist/. Each command's heavy code (ink, react, hono, the MCP SDK) lands in
// its own chunk, loaded only when that command runs, so `cco --help` stays fast.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: [{ in: 'src/main.ts', out: 'cli' }],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  chunkNames: 'chunks/[name]-[hash]',
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'linked',
  sourcemap: 'linked',
  // Ink loads react-devtools-core only when DEV=true; it is not a dependency.
  external: ['react-devtools-core'],
  define: { 'process.env.NODE_ENV': '"production"' },
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __ccoCreateRequire } from 'node:module'; const require = __ccoCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

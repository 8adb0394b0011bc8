// Bundles the CLI into dist/. Each command's heavy code (ink, react, hono, the MCP SDK) lands in
// its own chunk, loaded only when that command runs, so `cco --help` stays fast.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';

// commander requires node:child_process (and with it net, dgram, …) when it loads, for executable
// subcommands, which cco does not use: a tenth of the start-up of `cco --help`. Load it on use.
const lazyChildProcessInCommander = {
  name: 'lazy-child-process-in-commander',
  setup(build) {
    build.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!source.includes(eager)) throw new Error(`${args.path} changed: update lazyChildProcessInCommander in scripts/build.mjs`);
      const lazy = "const childProcess = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });";
      return { contents: source.replace(eager, lazy), loader: 'js' };
    });
  },
};

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
  plugins: [lazyChildProcessInCommander],
  logLevel: 'warning',
});

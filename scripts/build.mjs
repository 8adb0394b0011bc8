// Bundles the CLI into dist/. Each command's heavy code (ink, react, hono, the MCP SDK) lands in
// its own chunk, loaded only when that command runs, so `cco --help` stays fast.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

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

// The MCP SDK and the server use zod through its namespace object (`z.object`), which keeps all of
// zod (its core and every locale, 680 kB) alive; shared with the settings check, all of it would
// load for `cco rules list`. The settings check (src/core/settings-check.ts) gets its own copy of
// zod/mini instead, tree-shaken to what it names (about 35 kB). Its schemas never meet the server's.
const ownZodForSettings = {
  name: 'own-zod-for-settings',
  setup(build) {
    const ns = 'settings-zod';
    build.onResolve({ filter: /^zod\/mini$/ }, async (args) => {
      if (!/[\\/]src[\\/]core[\\/]settings-check\.ts$/.test(args.importer)) return undefined;
      const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir });
      return { path: r.path, namespace: ns };
    });
    build.onResolve({ filter: /.*/, namespace: ns }, async (args) => {
      const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir });
      return { path: r.path, namespace: ns, sideEffects: false };
    });
    build.onLoad({ filter: /.*/, namespace: ns }, async (args) => ({
      contents: await readFile(args.path, 'utf8'),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
const common = {
  bundle: true,
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
  plugins: [lazyChildProcessInCommander, ownZodForSettings],
  logLevel: 'warning',
};
await build({ ...common, entryPoints: [{ in: 'src/main.ts', out: 'cli' }], outdir: 'dist', splitting: true });
// `cco status` runs from a status line every few seconds: one file of its own (about 20 kB, no
// commander), since loading a dozen shared chunks costs more than the bytes they hold.
await build({ ...common, entryPoints: [{ in: 'src/status/main.ts', out: 'status' }], outdir: 'dist', splitting: false });

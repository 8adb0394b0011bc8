// Bundles bench/rules.bench.ts with esbuild (no TypeScript runner needed) and runs it:
//   node bench/rules.mjs          (a table)
//   node bench/rules.mjs --json   (one JSON array, for bench/run.mjs)
import { build } from 'esbuild';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const result = await build({
  entryPoints: [new URL('./rules.bench.ts', import.meta.url).pathname],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  write: false,
  logLevel: 'warning',
});
const dir = await mkdtemp(join(tmpdir(), 'cco-bench-'));
try {
  const file = join(dir, 'rules.bench.mjs');
  await writeFile(file, result.outputFiles[0].text);
  const { measure, format, measureAdversarial, formatAdversarial } = await import(pathToFileURL(file).href);
  const rows = measure();
  const adversarial = measureAdversarial();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ rows, adversarial }));
  } else {
    console.log(`node ${process.version}, ${process.arch}; each row: 20,000 evaluate() calls after 3,000 warm-up`);
    console.log(format(rows));
    console.log('\nHostile commands with 1,002 rules: one whole decision, best of 3 (target: under 50 ms)');
    console.log(formatAdversarial(adversarial));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

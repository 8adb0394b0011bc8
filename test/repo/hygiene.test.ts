import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|tsx|mjs|js|md|json)$/.test(name)) out.push(p);
  }
  return out;
}

describe('the repository', () => {
  it('holds no merge conflict markers', () => {
    const docs = ['README.md', 'SECURITY.md', 'BENCHMARKS.md', 'ARCHITECTURE.md'].map((f) => join(ROOT, f)).filter(existsSync);
    const all = [...docs, ...files(join(ROOT, 'src')), ...files(join(ROOT, 'test')), ...files(join(ROOT, 'bench')), ...files(join(ROOT, 'scripts'))];
    const found = all.filter((f) => /^(<{7} |>{7} |={7}$)/m.test(readFileSync(f, 'utf8'))).map((f) => f.slice(ROOT.length + 1));
    expect(found).toEqual([]);
  });
});

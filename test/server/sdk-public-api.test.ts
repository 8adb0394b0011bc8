/**
 * cco talks to the MCP SDK through its public API only: a user's fresh install may resolve a
 * newer 1.x whose private fields changed, and cco must then still start. This fails when a file
 * in src/ imports an SDK path outside the SDK's package.json `exports`, or touches one of the
 * SDK's private or protected members (collected from its own type declarations).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const sdkDir = join(root, 'node_modules/@modelcontextprotocol/sdk');
const sdkPackage = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };

const walk = (dir: string, keep: (f: string) => boolean): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? walk(p, keep) : keep(p) ? [p] : [];
  });

const sources = walk(join(root, 'src'), (f) => /\.tsx?$/.test(f)).map((f) => ({ file: relative(root, f), text: readFileSync(f, 'utf8') }));

/** `private _x` / `protected _x` in the SDK's .d.ts files. */
const privateMembers = new Set(
  walk(join(sdkDir, 'dist/esm'), (f) => f.endsWith('.d.ts')).flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/^\s*(?:private|protected)\s+(?:static\s+)?(?:readonly\s+)?(_\w+)/gm)].map((m) => m[1]!),
  ),
);

/** Is `sub` (the part after `@modelcontextprotocol/sdk/`) one of the package's exports? */
function exported(sub: string): boolean {
  const key = `./${sub}`;
  if (key in sdkPackage.exports) return true;
  for (const [pattern, target] of Object.entries(sdkPackage.exports)) {
    if (!pattern.endsWith('/*') || !key.startsWith(pattern.slice(0, -1))) continue;
    const rest = key.slice(pattern.length - 1);
    const file = (target as { import?: string }).import?.replace('*', rest);
    if (file && !rest.startsWith('dist/') && existsSync(join(sdkDir, file))) return true;
  }
  return false;
}

describe('the MCP SDK, through its public API only', () => {
  it('knows the private members to look for (the scan would pass vacuously otherwise)', () => {
    expect(privateMembers.has('_requestHandlers')).toBe(true);
    expect(privateMembers.size).toBeGreaterThan(50);
  });

  it('every SDK import in src/ is a path the SDK exports', () => {
    const bad = sources.flatMap(({ file, text }) =>
      [...text.matchAll(/from\s+'@modelcontextprotocol\/sdk(?:\/([^']*))?'/g)]
        .filter((m) => m[1] !== undefined && !exported(m[1]))
        .map((m) => `${file}: ${m[0]}`),
    );
    expect(bad).toEqual([]);
  });

  it('no file in src/ touches a private SDK member', () => {
    const bad = sources.flatMap(({ file, text }) => {
      const sdk = text.includes("'@modelcontextprotocol/sdk");
      return (
        [...text.matchAll(/(?:\?\.|\.|\[\s*['"`])(_[A-Za-z]\w*)/g)]
          .map((m) => m[1]!)
          // In a file that imports the SDK, any underscore member but MCP's own `_meta` field is suspect.
          .filter((name) => privateMembers.has(name) || (sdk && name !== '_meta'))
          .map((name) => `${file}: ${name}`)
      );
    });
    expect(bad).toEqual([]);
  });

  it('the scan catches the old swap of the SDK handler map', () => {
    const old = '(server.server as unknown as { _requestHandlers?: Map<string, RawHandler> })._requestHandlers';
    expect([...old.matchAll(/(?:\?\.|\.|\[\s*['"`])(_[A-Za-z]\w*)/g)].map((m) => m[1]).filter((n) => privateMembers.has(n!))).toEqual(['_requestHandlers']);
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The `bin` project runs bin/cco.js, which loads dist/: say so once, before any test fails on it. */
export default function setup(): void {
  const root = join(import.meta.dirname, '../..');
  if (!existsSync(join(root, 'dist/cli.js'))) {
    throw new Error(
      'dist/ is missing: the tests in the `bin` project run bin/cco.js, which needs a build. ' +
        'Run `npm run build` first (`npm test` does), or `npm run test:unit` for the tests that need none.',
    );
  }
}

import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { posix } from 'node:path';

/**
 * A path as the file system sees it, for the rules engine (EngineOptions.realPath): symlinks of
 * the path and of its existing parents resolved, the parts that do not exist yet appended. A
 * dangling symlink is followed to where a write would land. Throws on errors other than a missing
 * file (the engine then matches the path as written).
 */
export function realPath(path: string): string {
  return resolve(path, 0);
}

function resolve(path: string, depth: number): string {
  if (depth > 32) throw new Error(`too many symlinks at ${path}`);
  const rest: string[] = [];
  let head = path;
  for (;;) {
    try {
      const real = realpathSync.native(head);
      return rest.length === 0 ? real : posix.join(real, ...rest.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    }
    // head does not resolve: a dangling symlink is followed, a missing name kept.
    let link: string | undefined;
    try {
      if (lstatSync(head).isSymbolicLink()) link = readlinkSync(head);
    } catch {
      link = undefined;
    }
    if (link !== undefined) {
      const target = posix.resolve(posix.dirname(head), link);
      return resolve(rest.length === 0 ? target : posix.join(target, ...[...rest].reverse()), depth + 1);
    }
    const dir = posix.dirname(head);
    if (dir === head) return path;
    rest.push(posix.basename(head));
    head = dir;
  }
}

/**
 * Paths that reach files under another name through the kernel: a process's root, working
 * directory, open files and mapped files (`/proc/self/root/etc/passwd` is `/etc/passwd`, and so is
 * `/proc/self/root/../etc/passwd`: `..` at a root stays there), and `/dev/fd`. Text checks that
 * place a path (the rules on paths, cco's guard of its own files) cannot follow these, so they
 * are found here, before any `..` is resolved lexically past them.
 */
export interface KernelLink {
  /** `root`: the rest is absolute. `cwd`: relative to a directory cco does not know. `open`: an open file or mapping. */
  via: 'root' | 'cwd' | 'open';
  /** What follows the link, `..` kept as written (`''` for the link itself). */
  rest: string;
  /**
   * For an `open` link: what follows the open file itself (after `fd/3`, after `/dev/stdin`),
   * when something does. An open folder (`cat /dev/stdin/.ssh/id_rsa < ~`) is a place too.
   */
  inside?: string;
}

const PROC_ID = /^(?:self|thread-self|\d+)$/;
const TASK_ID = /^(?:self|\d+)$/;
const VIA: Record<string, KernelLink['via']> = { root: 'root', cwd: 'cwd', fd: 'open', fdinfo: 'open', map_files: 'open', exe: 'open' };
/** Links whose target is one entry below them (`fd/3`), not the link itself (`exe`). */
const HOLDS_ENTRIES = new Set(['fd', 'fdinfo', 'map_files']);
/**
 * /proc's own symlinks, as the segments they stand for: `..` after them goes where the kernel
 * goes (`/proc/net/..` is `/proc/self`, `/proc/thread-self/../..` is `/proc/self`), not back to
 * `/proc`. A thread of `self` is written `self/task/self`.
 */
const PROC_LINKS: Record<string, readonly string[]> = { net: ['self', 'net'], mounts: ['self', 'mounts'], 'thread-self': ['self', 'task', 'self'] };
/** /dev's names for open files (links into /proc/self/fd). */
const DEV_STD = new Set(['stdin', 'stdout', 'stderr']);

/**
 * The kernel link an absolute path goes through, if any. Segments are walked as the kernel walks
 * them (`.` skipped, `..` pops) until a link is met; what follows is returned unresolved. With
 * `realPath` (the file system's view of a path), a `..` after a folder that is a symlink goes to
 * the parent of its target, as the kernel's does (`/var/run/..` is `/`, not `/var`).
 */
export function kernelLink(path: string, realPath?: (path: string) => string): KernelLink | undefined {
  const r = walk(path, realPath);
  return 'via' in r ? r : undefined;
}

function walk(path: string, realPath?: (path: string) => string): KernelLink | { segments: string[]; moved: boolean } {
  if (!path.startsWith('/')) return { segments: [], moved: false };
  const segs = path.split('/');
  let stack: string[] = [];
  let low: string[] = [];
  let moved = false;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (realPath !== undefined && stack.length > 0) {
        let real: string | undefined;
        try {
          real = realPath(`/${stack.join('/')}`);
        } catch {
          real = undefined;
        }
        const next = real?.startsWith('/') ? real.split('/').filter((x) => x !== '' && x !== '.') : undefined;
        if (next !== undefined && next.join('/') !== stack.join('/')) {
          stack = next;
          low = next.map((x) => x.toLowerCase());
          moved = true;
        }
      }
      stack.pop();
      low.pop();
      continue;
    }
    stack.push(s);
    low.push(s.toLowerCase());
    const sub = low.length === 2 && low[0] === 'proc' ? PROC_LINKS[low[1]!] : undefined;
    if (sub !== undefined) {
      stack = ['proc', ...sub];
      low = [...stack];
    }
    const via = linkOf(low);
    if (via === undefined) continue;
    const restSegs = segs.slice(i + 1);
    const rest = restSegs.join('/');
    const last = low.at(-1)!;
    if (low[0] === 'dev' && DEV_STD.has(last)) {
      // `/dev/stdin` itself is the command's input, which its redirection names; only a path inside it is unknown.
      const inside = restSegs.filter((x) => x !== '' && x !== '.').join('/');
      if (inside === '') continue;
      return { via, rest, inside };
    }
    if (via !== 'open') return { via, rest };
    const named = restSegs.filter((x) => x !== '' && x !== '.');
    const inside = (HOLDS_ENTRIES.has(last) ? named.slice(1) : named).join('/');
    return inside === '' ? { via, rest } : { via, rest, inside };
  }
  return { segments: stack, moved };
}

function linkOf(stack: readonly string[]): KernelLink['via'] | undefined {
  if (stack.length === 2 && stack[0] === 'dev' && (stack[1] === 'fd' || DEV_STD.has(stack[1]!))) return 'open';
  if (stack[0] !== 'proc' || !PROC_ID.test(stack[1] ?? '')) return undefined;
  const last = stack.at(-1)!;
  if (stack.length === 3 || (stack.length === 5 && stack[2] === 'task' && TASK_ID.test(stack[3]!))) {
    return Object.hasOwn(VIA, last) ? VIA[last] : undefined;
  }
  return undefined;
}

/** `rest` of a `root` link as the absolute path it names (`..` at the top stays at `/`). */
export function underRoot(rest: string): string {
  const out: string[] = [];
  for (const s of rest.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return `/${out.join('/')}`;
}

/** The most links one path is followed through (`/proc/self/root/proc/self/root/…`). */
const MAX_HOPS = 8;

/**
 * Where an absolute path really points when it goes through the kernel's links: `{ path }` (no
 * link, or only root links: the same file by its own name), or `{ unknown }` when a cwd link or
 * an open file leaves the place unknown to cco; `rest` is then what follows the last link, and
 * `inside` what follows an open file that may be a folder. `linked` says `path` differs from the
 * path as written (a link followed, or with `realPath` a `..` after a symlink).
 */
export function resolveKernelLinks(
  path: string,
  realPath?: (path: string) => string,
): { path: string; linked: boolean } | { unknown: 'cwd' | 'open'; rest: string; inside?: string } {
  let p = path;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const r = walk(p, realPath);
    if (!('via' in r)) return hop === 0 && !r.moved ? { path: p, linked: false } : { path: `/${r.segments.join('/')}`, linked: true };
    if (r.via !== 'root') return r.inside === undefined ? { unknown: r.via, rest: r.rest } : { unknown: r.via, rest: r.rest, inside: r.inside };
    // `..` at the top of a root stays there: the next walk starts at `/`.
    p = `/${r.rest}`;
  }
  return { unknown: 'open', rest: p };
}

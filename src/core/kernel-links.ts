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
}

const PROC_ID = /^(?:self|thread-self|\d+)$/;
const TASK_ID = /^(?:self|\d+)$/;
const VIA: Record<string, KernelLink['via']> = { root: 'root', cwd: 'cwd', fd: 'open', fdinfo: 'open', map_files: 'open', exe: 'open' };

/**
 * The kernel link an absolute path goes through, if any. Segments are walked as the kernel walks
 * them (`.` skipped, `..` pops) until a link is met; what follows is returned unresolved.
 */
export function kernelLink(path: string): KernelLink | undefined {
  if (!path.startsWith('/')) return undefined;
  const segs = path.split('/');
  const stack: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s === '' || s === '.') continue;
    if (s === '..') {
      stack.pop();
      continue;
    }
    stack.push(s.toLowerCase());
    const via = linkOf(stack);
    if (via !== undefined) return { via, rest: segs.slice(i + 1).join('/') };
  }
  return undefined;
}

function linkOf(stack: readonly string[]): KernelLink['via'] | undefined {
  if (stack.length === 2 && stack[0] === 'dev' && stack[1] === 'fd') return 'open';
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
 * an open file leaves the place unknown to cco; `rest` is then what follows the last link.
 */
export function resolveKernelLinks(path: string): { path: string; linked: boolean } | { unknown: 'cwd' | 'open'; rest: string } {
  let p = path;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const link = kernelLink(p);
    if (link === undefined) return { path: p, linked: hop > 0 };
    if (link.via !== 'root') return { unknown: link.via, rest: link.rest };
    p = underRoot(link.rest);
  }
  return { unknown: 'open', rest: p };
}

/**
 * What runs behind a wrapper, for deny rules: `/bin/rm` is `rm`, `sudo -u root rm x` and
 * `env A=1 nice -n 5 rm x` run `rm x`, `git -C . push` is `git push`. The wrappers, the options of
 * theirs that take a value, and the index of the command each runs.
 */

/** Words that run the command after them (with their options): a deny rule sees that command. */
export const PREFIX_WRAPPERS = new Set([
  'busybox',
  'sudo',
  'doas',
  'env',
  'command',
  'builtin',
  'exec',
  'nohup',
  'time',
  'nice',
  'timeout',
  'stdbuf',
  'setsid',
  'ionice',
  'chrt',
  'taskset',
]);
/** Options of wrappers that take a value. */
export const OPTION_VALUES: Readonly<Record<string, ReadonlySet<string>>> = {
  sudo: new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '-R']),
  doas: new Set(['-u', '-C']),
  env: new Set(['-u', '-C', '--unset', '--chdir']),
  nice: new Set(['-n', '--adjustment']),
  timeout: new Set(['-s', '-k', '--signal', '--kill-after']),
  stdbuf: new Set(['-i', '-o', '-e']),
  ionice: new Set(['-c', '-n', '-p']),
  exec: new Set(['-a']),
  xargs: new Set(['-I', '-i', '-n', '-P', '-L', '-l', '-d', '-s', '-E', '-e', '-a', '--max-args', '--max-procs', '--delimiter', '--arg-file', '--replace']),
};
const GIT_OPTION_VALUES = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env', '--super-prefix']);

/** A command word without its folder (`/bin/rm`: `rm`; a word ending in `/` stays whole). */
export function basename(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash < 0 || slash === word.length - 1 ? word : word.slice(slash + 1);
}

/**
 * The forms of a command behind its wrappers, for deny rules: `/bin/rm x` is `rm x`,
 * `sudo -u root rm x` and `env A=1 nice -n 5 rm x` are `rm x`, `git -C . push` is `git push`.
 * Works on indices, and each form is a slice of one joined text: linear in a long command.
 */
export function unwrapped(values: readonly string[]): string[] {
  const head = values[0];
  // Most commands are neither a path nor a wrapper nor git: nothing to unwrap.
  if (head === undefined || (!head.includes('/') && head !== 'git' && !PREFIX_WRAPPERS.has(head))) return [];
  const out: string[] = [];
  const joined = values.join(' ');
  const at: number[] = [];
  let o = 0;
  for (const v of values) {
    at.push(o);
    o += v.length + 1;
  }
  const tail = (k: number) => (k >= values.length ? '' : joined.slice(at[k]));
  const form = (name: string, k: number) => (k >= values.length ? name : `${name} ${tail(k)}`);
  let k = 0;
  for (let guard = 0; guard < 16 && k < values.length; guard++) {
    const first = values[k] as string;
    const name = basename(first);
    if (name !== first) out.push(form(name, k + 1));
    if (name === 'git') {
      const r = skipOptionsAt(values, k + 1, GIT_OPTION_VALUES, true);
      if (r !== k + 1) out.push(form('git', r));
      break;
    }
    if (!PREFIX_WRAPPERS.has(name)) break;
    if (name === 'command' && (values[k + 1] === '-v' || values[k + 1] === '-V')) break;
    const r = afterWrapper(name, values, k);
    if (r >= values.length) break;
    k = r;
    out.push(tail(k));
  }
  return out;
}

const NO_VALUES: ReadonlySet<string> = new Set();

/** The index of the command a prefix wrapper at `k` runs (its options, values and assignments skipped). */
export function afterWrapper(name: string, values: readonly string[], k: number): number {
  let r = skipOptionsAt(values, k + 1, OPTION_VALUES[name] ?? NO_VALUES, false);
  if (name === 'env' || name === 'sudo') r = dropAssignmentsAt(values, r);
  if ((name === 'timeout' || name === 'chrt' || name === 'taskset') && r < values.length) r++;
  return r;
}

/** The index after leading options (and their values), up to `--` or the first non-option. */
function skipOptionsAt(args: readonly string[], from: number, withValue: ReadonlySet<string>, git: boolean): number {
  let i = from;
  while (i < args.length) {
    const a = args[i] as string;
    if (a === '--') return i + 1;
    if (!a.startsWith('-') || a === '-') break;
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    i += withValue.has(name) && eq < 0 && !(git && name.length > 2 && a.length > name.length) ? 2 : 1;
  }
  return i;
}

/** Leading options (and their values) removed, up to `--` or the first non-option. */
export function skipOptions(args: readonly string[], withValue: ReadonlySet<string>, git: boolean): string[] {
  return args.slice(skipOptionsAt(args, 0, withValue, git));
}

function dropAssignmentsAt(args: readonly string[], from: number): number {
  let i = from;
  while (i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i] as string)) i++;
  return i;
}

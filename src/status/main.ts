import { runStatus } from './run-status.js';

// `cco status` without commander (bin/cco.js comes here for it): the flags are few and fixed.
const args = process.argv.slice(3);
const unknown = args.filter((a) => a !== '--json' && a !== '--tmux');
if (unknown.length > 0) {
  process.stderr.write(`error: unknown option '${unknown[0]!.replace(/[^\x20-\x7e]/g, '?').slice(0, 40)}'\n(run \`cco status --help\` for usage)\n`);
  process.exitCode = 1;
} else {
  process.exitCode = await runStatus({ json: args.includes('--json'), tmux: args.includes('--tmux') });
}

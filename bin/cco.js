#!/usr/bin/env node
// `cco status` skips the command-line parser: it runs every few seconds from status lines.
const [command, ...rest] = process.argv.slice(2);
if (command === 'status' && !rest.some((a) => a === '-h' || a === '--help')) await import('../dist/status.js');
else await import('../dist/cli.js');

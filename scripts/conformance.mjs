// The official MCP conformance suite's server scenarios against the real `cco serve`:
//   npm run conformance
// The suite needs Node 22; npx fetches it (and the suite) from the npm registry on first use.
// Scenarios that test tools, resources, prompts or capabilities a one-tool approval server does
// not have are listed with the reason; every other scenario must pass (exit 1 otherwise).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SUITE = '@modelcontextprotocol/conformance@0.1.16';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const needsTool = (tool) => `needs the suite's test tool \`${tool}\` (cco has one tool, approval_prompt; an unknown tool gets JSON-RPC -32602)`;
const NOT_APPLICABLE = {
  'logging-set-level': 'cco does not declare the logging capability, so logging/setLevel is rightly -32601 (it logs to its own file)',
  'completion-complete': 'cco has no prompts or resource templates, so no completion capability (-32601 is right)',
  'tools-call-simple-text': needsTool('test_simple_text'),
  'tools-call-image': needsTool('test_image_content'),
  'tools-call-audio': needsTool('test_audio_content'),
  'tools-call-embedded-resource': needsTool('test_embedded_resource'),
  'tools-call-mixed-content': needsTool('test_multiple_content_types'),
  'tools-call-with-logging': needsTool('test_tool_with_logging') + ' (and the logging capability)',
  'tools-call-error': needsTool('test_error_handling'),
  'tools-call-with-progress': needsTool('test_tool_with_progress') + '; cco sends progress while a call waits (test/server/progress.test.ts)',
  'tools-call-sampling': needsTool('test_sampling') + '; cco never asks the client to sample',
  'tools-call-elicitation': needsTool('test_elicitation') + '; cco decides at its own console, never by elicitation',
  'elicitation-sep1034-defaults': needsTool('test_elicitation_sep1034_defaults'),
  'elicitation-sep1330-enums': needsTool('test_elicitation_sep1330_enums'),
  'json-schema-2020-12': needsTool('json_schema_2020_12_tool'),
  'server-sse-polling': needsTool('test_reconnection') + '; without it the scenario runs no check',
  'resources-list': 'cco has no resources capability',
  'resources-read-text': 'cco has no resources capability',
  'resources-read-binary': 'cco has no resources capability',
  'resources-templates-read': 'cco has no resources capability',
  'resources-subscribe': 'cco has no resources capability',
  'resources-unsubscribe': 'cco has no resources capability',
  'prompts-list': 'cco has no prompts capability',
  'prompts-get-simple': 'cco has no prompts capability',
  'prompts-get-with-args': 'cco has no prompts capability',
  'prompts-get-embedded-resource': 'cco has no prompts capability',
  'prompts-get-with-image': 'cco has no prompts capability',
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const home = mkdtempSync(join(tmpdir(), 'cco-conformance-'));
const { PORT: _p, CCO_TOKEN: _t, ...env } = process.env;
const cco = spawn(process.execPath, [join(ROOT, 'bin/cco.js'), 'serve', '--port', '0'], { env: { ...env, CCO_HOME: home }, stdio: 'ignore' });
let info;
for (let i = 0; i < 200 && !info; i++) {
  await sleep(50);
  try {
    const s = JSON.parse(readFileSync(join(home, 'server.json'), 'utf8'));
    if (s.pid === cco.pid) info = s;
  } catch {
    // Not written yet, or half written: read it again.
  }
}
if (!info) {
  cco.kill();
  throw new Error('cco serve did not start');
}

let output = '';
const code = await new Promise((resolve) => {
  const suite = spawn('npx', ['-y', '-p', 'node@22', '-p', SUITE, '--', 'conformance', 'server', '--url', info.mcpUrl, '--suite', 'all'], {
    cwd: tmpdir(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, npm_config_loglevel: 'error' },
  });
  suite.stdout.on('data', (d) => (output += d));
  suite.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => suite.kill('SIGKILL'), 15 * 60_000);
  suite.on('close', (c) => {
    clearTimeout(timer);
    resolve(c);
  });
});
cco.kill('SIGTERM');
rmSync(home, { recursive: true, force: true });

const rows = [...output.matchAll(/^[✓✗] ([\w-]+): (\d+) passed, (\d+) failed/gm)].map((m) => ({ name: m[1], passed: Number(m[2]), failed: Number(m[3]) }));
if (rows.length === 0) {
  process.stdout.write(output);
  console.error(`The conformance suite printed no summary (exit ${code}).`);
  process.exit(1);
}
const applicable = rows.filter((r) => !(r.name in NOT_APPLICABLE));
const skipped = rows.filter((r) => r.name in NOT_APPLICABLE);
const failing = applicable.filter((r) => r.failed > 0);
console.log(`MCP conformance (${SUITE}, suite "all") against cco serve on ${info.mcpUrl}\n`);
console.log('Applicable scenarios:');
for (const r of applicable) console.log(`  ${r.failed ? '✗' : '✓'} ${r.name}: ${r.passed} checks passed, ${r.failed} failed`);
console.log(`\nNot applicable to a one-tool approval server (${skipped.length}):`);
for (const r of skipped) console.log(`  - ${r.name}: ${NOT_APPLICABLE[r.name]}`);
const checks = applicable.reduce((n, r) => n + r.passed, 0);
console.log(
  `\n${applicable.length - failing.length} of ${applicable.length} applicable scenarios passed (${checks} checks); ${skipped.length} not applicable.`,
);
if (failing.length) {
  console.log(`\nFailing: ${failing.map((r) => r.name).join(', ')}. Full output:\n${output}`);
  process.exit(1);
}

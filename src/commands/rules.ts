import { Command, Option } from 'commander';
import { UserError } from '../core/errors.js';
import { escapeText } from '../core/escape.js';
import type { RuleWarning } from '../core/rules/lint.js';
import { DEFAULT_PRIORITY, inCheckOrder } from '../core/rules/order.js';
import type { Rule, RuleAction } from '../core/rules/types.js';
import { ccoPaths } from '../store/paths.js';
import { nextRuleId } from '../store/rule-ids.js';
import { actionOf, applyOptions, changesSomething, checkOptionsFit, type RuleOptions } from './rule-options.js';

/** Settings and the rule engine load lazily: `cco rules --help` stays instant. */
const store = async () => {
  const { SettingsStore } = await import('../store/settings.js');
  return new SettingsStore(ccoPaths().configFile);
};

const collect = (value: string, previous: string[]) => [...previous, value];

function ruleOptions(cmd: Command, forEdit: boolean): Command {
  return cmd
    .option('--allow', 'answer matching calls with allow at once')
    .option('--deny', 'answer matching calls with deny at once (see --message)')
    .option('--ask', 'send matching calls to the console')
    .addOption(new Option('--action <action>', 'the same as --allow/--deny/--ask; also accepts approve and review').hideHelp())
    .option('--priority <n>', `lower is checked first${forEdit ? '' : ` (default ${DEFAULT_PRIORITY})`}`)
    .option('--agent <glob>', 'only calls from agents whose name matches (e.g. docs-*, or /regex/)')
    .option('--input <key=glob>', 'only calls whose input field matches, e.g. repo=myorg/* (repeatable; /regex/ allowed)', collect, [])
    .option('--timeout <duration>', 'for --ask only: how long matching calls wait (e.g. 2m)')
    .option('--when-away <wait|deny>', 'for --ask only: what matching calls get while nobody is at a console (overrides the whenAway setting; "" removes it)')
    .option('-m, --message <text>', 'for --deny only: the reason sent to the agent')
    .option('--name <text>', 'a note shown in `cco rules list`')
    .option('--for <duration>', `the rule stops matching after this long (e.g. 15m, 1h, 4h)${forEdit ? ', counted from now; "" removes the limit' : ''}`)
    .option('--session <id>', "only calls of this session (the agent's conversation id, else its MCP session id; see `cco log --json`)")
    .option('--project <dir>', "only calls whose agent's working directory is DIR or inside it (a call with no directory never matches)");
}

/** A rule's own problem, before it gets an id: named by its pattern, not by a place in the file. */
async function checkNewRule(rule: Rule): Promise<void> {
  const { afterRuleLabel, validateRule } = await import('../core/rules/index.js');
  try {
    validateRule(rule);
  } catch (error) {
    const rest = afterRuleLabel((error as Error).message, rule.id).rest.replace(/^:\s*/, '');
    throw new UserError(`Not saved: ${rest.includes(`\`${rule.pattern}\``) ? rest : `\`${rule.pattern}\` ${rest}`}`);
  }
}

type RuleWarnings = typeof import('./rule-warnings.js');

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** The warnings about a rule just added or changed, for stderr (escaped), and how to apply a fix. */
function warningReport(rw: RuleWarnings, id: string, warnings: readonly RuleWarning[], saved: boolean): string {
  const lines = rw.warningLines(warnings);
  const fix = warnings.find((w) => w.level === 'warning' && w.fix !== undefined)?.fix;
  if (saved) {
    const serious = warnings.some((w) => w.level === 'warning');
    lines.push(
      serious
        ? `Rule ${escapeText(id)} is saved as written (warnings are not errors; --strict refuses such a rule).${fix ? ` Apply the fix with: cco rules edit ${escapeText(id)} --pattern ${shellQuote(fix)}` : ''}`
        : `Rule ${escapeText(id)} is saved as written.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A word for a POSIX shell, in single quotes, escaped for the terminal. */
function shellQuote(s: string): string {
  return escapeText(`'${s.replace(/'/g, `'\\''`)}'`);
}

function findRule(rules: Rule[], id: string): Rule {
  const rule = rules.find((r) => r.id === id);
  if (!rule) throw new UserError(`No rule with id ${id}. Run \`cco rules list\` to see the ids.`);
  return rule;
}

/** `cco rules add --preview`: what the rule would have done to the last asks of the audit log. */
async function previewReport(pattern: string, action: RuleAction, o: RuleOptions): Promise<string> {
  const { replayLine, replayRule, REPLAY_LIMIT } = await import('../core/replay.js');
  const { recentAsks } = await import('../store/audit-read.js');
  const { homedir } = await import('node:os');
  const rule: Rule = { id: 'preview', pattern, action };
  applyOptions(rule, o);
  const warnings: string[] = [];
  let r: ReturnType<typeof replayRule>;
  try {
    r = replayRule(
      rule,
      recentAsks(ccoPaths().stateDir, REPLAY_LIMIT, (m) => warnings.push(m)),
      { homeDir: homedir() },
    );
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  for (const w of warnings) process.stderr.write(`audit log: ${escapeText(w)}\n`);
  const lines = [`Not saved (--preview). As an allow rule, ${escapeText(pattern)} ${replayLine(r, (t) => escapeText(t))}.`];
  for (const d of r.denied.slice(0, 5))
    lines.push(`  denied ${escapeText(d.id)} ${new Date(d.at).toISOString()}: ${escapeText(d.text.length > 100 ? `${d.text.slice(0, 99)}…` : d.text)}`);
  if (action !== 'allow') lines.push(`(The replay counts the calls the pattern covers; this rule would ${action} them.)`);
  return `${lines.join('\n')}\n`;
}

export function rulesCommand(): Command {
  const rules = new Command('rules').description('manage the rules that decide calls before they reach the console');

  rules.addCommand(
    ruleOptions(new Command('add'), false)
      .description('add a rule; prints its id, and on stderr any warning that the rule does not mean what it looks like (it is saved anyway unless --strict)')
      .argument('<pattern>', "what it matches, in Claude Code's syntax: Bash(npm test:*), Read(./src/**), WebFetch(domain:github.com), mcp__github__*")
      .option('--strict', 'refuse to save the rule when it has a warning (notes do not count)')
      .option('--preview', 'save nothing: replay the rule against the last 200 asks of the audit log and say what it would have allowed')
      .action(async (pattern: string, o: RuleOptions & { strict?: boolean; preview?: boolean }) => {
        const action = (await actionOf(o, true))!;
        checkOptionsFit(action, o);
        if (o.preview) return void process.stdout.write(await previewReport(pattern, action, o));
        const draft: Rule = { id: 'new', pattern, action };
        applyOptions(draft, o);
        await checkNewRule(draft);
        const s = await store();
        const rw = await import('./rule-warnings.js');
        const ctx = rw.lintContext();
        let id = '';
        let warnings: RuleWarning[] = [];
        await s.update((file) => {
          const list = (file.rules ??= []);
          id = nextRuleId(list);
          const rule: Rule = { id, pattern, action, createdAt: new Date().toISOString() };
          applyOptions(rule, o);
          warnings = rw.warningsFor(rule, list, ctx);
          if (o.strict && warnings.some((w) => w.level === 'warning')) {
            process.stderr.write(warningReport(rw, id, warnings, false));
            throw new UserError(`Not saved (--strict): the rule has ${count(warnings.filter((w) => w.level === 'warning').length, 'warning')}.`);
          }
          list.push(rule);
        });
        // The id alone on stdout (scripts read it); what is worth knowing about the rule on stderr.
        process.stdout.write(`${id}\n`);
        if (warnings.length > 0) process.stderr.write(warningReport(rw, id, warnings, true));
      }),
  );

  rules.addCommand(
    new Command('list')
      .alias('ls')
      .description('show the rules in the order they are checked; ! marks a rule with a warning')
      .option('--json', 'print the rules as JSON')
      .option('--expiring', 'only the rules with a time limit, soonest first (expired ones too, until removed)')
      .action(async (o: { json?: boolean; expiring?: boolean }) => {
        const all = inCheckOrder((await store()).readFile().rules ?? []);
        const list = o.expiring ? all.filter((r) => r.expires !== undefined).sort((a, b) => (a.expires ?? 0) - (b.expires ?? 0)) : all;
        if (o.expiring && list.length === 0 && !o.json) return void process.stdout.write('No rule has a time limit.\n');
        const { renderRules, rulesJson } = await import('./rules-list.js');
        if (o.json) return void process.stdout.write(rulesJson(list));
        const { warningsOf } = await import('./rule-warnings.js');
        process.stdout.write(`${renderRules(list, warningsOf(list))}\n`);
      }),
  );

  const simple = (name: string, description: string, change: (list: Rule[], rule: Rule) => void, done: string) =>
    new Command(name)
      .description(description)
      .argument('<id>', 'the rule id (see `cco rules list`)')
      .action(async (id: string) => {
        await (
          await store()
        ).update((file) => {
          const list = (file.rules ??= []);
          change(list, findRule(list, id));
        });
        process.stdout.write(`${done} ${escapeText(id)}.\n`);
      });
  rules.addCommand(simple('rm', 'delete a rule', (list, r) => list.splice(list.indexOf(r), 1), 'Removed').alias('remove'));
  rules.addCommand(simple('enable', 'turn a rule back on', (_l, r) => void delete r.enabled, 'Enabled'));
  rules.addCommand(simple('disable', 'keep a rule but skip it', (_l, r) => void (r.enabled = false), 'Disabled'));

  rules.addCommand(
    ruleOptions(new Command('edit'), true)
      .description('change a rule (only the options given change; --agent "" removes the agent filter)')
      .argument('<id>', 'the rule id')
      .option('--pattern <pattern>', 'a new pattern')
      .action(async (id: string, o: RuleOptions & { pattern?: string }) => {
        if (!changesSomething(o)) {
          throw new UserError(
            `Nothing to change: give rule ${escapeText(id)} a new --pattern, action (--allow, --deny, --ask) or option (see \`cco rules edit --help\`).`,
          );
        }
        const action = await actionOf(o, false);
        const rw = await import('./rule-warnings.js');
        let warnings: RuleWarning[] = [];
        await (
          await store()
        ).update((file) => {
          const rule = findRule((file.rules ??= []), id);
          if (o.pattern !== undefined) rule.pattern = o.pattern;
          if (action) rule.action = action;
          checkOptionsFit(rule.action, o);
          applyOptions(rule, o);
          warnings = rw.warningsFor(rule, file.rules ?? [], rw.lintContext());
        });
        process.stdout.write(`Updated ${escapeText(id)}.\n`);
        if (warnings.length > 0) process.stderr.write(warningReport(rw, id, warnings, true));
      }),
  );

  rules.addCommand(
    new Command('test')
      .description('show how a call would be decided, by which rule, and why the rules above it did not match')
      .argument('<tool>', 'the tool name, e.g. Bash, Edit, mcp__github__create_issue')
      .argument('[input-json]', 'the tool input as JSON, e.g. \'{"command":"npm test"}\'', '{}')
      .option('--agent <name>', 'the agent name')
      .option('--cwd <dir>', "the agent's working directory (default: this directory)")
      .option('--json', 'print the explanation as JSON')
      .action(async (tool: string, inputJson: string, o: { agent?: string; cwd?: string; json?: boolean }) => {
        const { testCall } = await import('./rules-test.js');
        process.stdout.write(await testCall(tool, inputJson, o));
      }),
  );

  rules.addCommand(
    new Command('import')
      .description('turn Claude Code permission rules (settings files) into cco rules')
      .argument('[files...]', 'settings files (default: ~/.claude/settings.json, .claude/settings.json, .claude/settings.local.json)')
      .option('--dry-run', 'show what would be added, change nothing')
      .action(async (files: string[], o: { dryRun?: boolean }) => {
        const { importClaudeSettings } = await import('./rules-import.js');
        process.stdout.write(await importClaudeSettings(files, o.dryRun === true, await store()));
      }),
  );

  rules.addCommand(
    new Command('export')
      .description('print the rules as Claude Code settings or as cco JSON')
      .addOption(new Option('--format <format>', 'claude or cco').choices(['claude', 'cco']).default('cco'))
      .action(async (o: { format: 'claude' | 'cco' }) => {
        const { exportRules } = await import('./rules-import.js');
        const { out, skipped } = exportRules((await store()).readFile().rules ?? [], o.format);
        process.stdout.write(out);
        for (const s of skipped) process.stderr.write(`skipped ${escapeText(s)}\n`);
      }),
  );
  return rules;
}

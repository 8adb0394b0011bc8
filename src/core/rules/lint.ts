import { duplicate, shadowed } from './lint-overlap.js';
import { parsePattern } from './syntax.js';
import { nearestAgentTool } from './tools.js';
import type { ParsedPattern, Rule, RuleAction } from './types.js';
import { RULE_FAMILIES } from '../tools.js';
import { RUNS_ANY_CODE, SYSTEM_DIRS } from './lint-lists.js';

/**
 * Warnings about rules that parse but do not mean what they look like: a path that is not
 * absolute, a domain rule and its subdomains, a misspelt tool or MCP server, a Bash wildcard that
 * reaches further (or less far) than it seems, an allow rule that allows everything of a risky
 * tool, a rule another rule keeps from ever deciding (with duplicates: lint-overlap.ts). Pure:
 * what it needs is passed in.
 */

/** One thing worth knowing about a rule. */
export interface RuleWarning {
  /** Stable name of the check, e.g. `path-single-slash`. */
  code: string;
  /**
   * `warning`: the rule does not do what it looks like, or allows far more than it seems.
   * `note`: it is safe as it is (it matches less, so more calls are asked), but may surprise.
   */
  level: 'warning' | 'note';
  /** A sentence or two for people: what the rule does, and what to write instead. */
  message: string;
  /** The suggested pattern (a replacement, or for a note that says "add", the rule to add). */
  fix?: string;
}

export interface LintContext {
  /** Absolute home directory (a `/home/me/…` path rule is better written `~/…`). */
  homeDir: string;
  /** The MCP server names Claude Code has registered (user, project and local scope), when known. */
  mcpServers?: readonly string[];
  /** The other rules of the set, for rules that shadow one another. May include `rule` itself. */
  rules?: readonly Rule[];
}

const EDIT_FAMILY: ReadonlySet<string> = new Set(RULE_FAMILIES.Edit);

const tick = (s: string) => `\`${s}\``;

/** Warnings for one rule (none for a rule that cannot be parsed: that is an error, reported elsewhere). */
export function lintRule(rule: Rule, ctx: LintContext): RuleWarning[] {
  let p: ParsedPattern;
  try {
    p = parsePattern(rule.pattern);
  } catch {
    return [];
  }
  const out: RuleWarning[] = [];
  const action = rule.action;
  toolName(p, action, ctx, out);
  if (p.kind === 'bash') bash(p, action, out);
  if (p.kind === 'path') path(p, ctx, out);
  if (p.kind === 'domain') domain(p, action, out);
  if (action === 'allow' && rule.input === undefined) broad(p, rule, out);
  if (ctx.rules) duplicate(rule, ctx.rules, out);
  if (ctx.rules) shadowed(rule, p, ctx.rules, out);
  return out;
}

/** lintRule for every rule of a set, each against the others; only rules with warnings are in the map. */
export function lintRules(rules: readonly Rule[], ctx: Omit<LintContext, 'rules'>): Map<string, RuleWarning[]> {
  const out = new Map<string, RuleWarning[]>();
  for (const rule of rules) {
    const w = lintRule(rule, { ...ctx, rules });
    if (w.length > 0) out.set(rule.id, w);
  }
  return out;
}

function toolName(p: ParsedPattern, action: RuleAction, ctx: LintContext, out: RuleWarning[]): void {
  const tool = p.tool;
  if (p.kind === 'tool') {
    const near = nearestAgentTool(tool);
    if (near !== undefined) {
      const sameCase = near.toLowerCase() === tool.toLowerCase();
      out.push({
        code: 'unknown-tool',
        level: 'warning',
        message: sameCase
          ? action === 'allow'
            ? `There is no tool ${tick(tool)}: the agent's tool is ${tick(near)}, and allow rules compare tool names exactly, so this rule never matches. Write ${tick(near)}.`
            : `There is no tool ${tick(tool)}: the agent's tool is ${tick(near)}. This ${action} rule matches it anyway (deny and ask rules ignore case), but Claude Code compares names exactly; write ${tick(near)}.`
          : `${tick(tool)} is not a tool Claude Code agents call, so this rule never matches; did you mean ${tick(near)}?`,
        fix: near,
      });
    }
  }
  const mcp = /^mcp__(.+?)(?:__(.*))?$/.exec(tool);
  if (!mcp || ctx.mcpServers === undefined || ctx.mcpServers.length === 0) return;
  const server = mcp[1] as string;
  if (/[*?]/.test(server)) return;
  // Claude Code names a server's tools with the name's other characters made `_`.
  const registered = ctx.mcpServers.map((name) => ({ name, inTool: name.replace(/[^A-Za-z0-9_-]/g, '_') }));
  if (registered.some((r) => r.inTool === server)) return;
  const rest = tool.slice(`mcp__${server}`.length);
  const byCase = registered.find((r) => r.inTool.toLowerCase() === server.toLowerCase());
  if (byCase) {
    const fixed = `mcp__${byCase.inTool}${rest}`;
    out.push({
      code: 'mcp-server-case',
      level: 'warning',
      message:
        action === 'allow'
          ? `The MCP server is registered as ${tick(byCase.name)}, not ${tick(server)}: its tools are ${tick(`mcp__${byCase.inTool}__…`)}, and allow rules compare tool names exactly, so this rule never matches them. Write ${tick(fixed)}.`
          : `The MCP server is registered as ${tick(byCase.name)}, not ${tick(server)}. This ${action} rule matches its tools anyway (deny and ask rules ignore case), but Claude Code compares names exactly; write ${tick(fixed)}.`,
      fix: fixed,
    });
    return;
  }
  const byRawName = registered.find((r) => r.name === server && r.inTool !== server);
  if (byRawName) {
    const fixed = `mcp__${byRawName.inTool}${rest}`;
    out.push({
      code: 'mcp-server-name',
      level: 'warning',
      message: `Claude Code names the tools of the MCP server ${tick(byRawName.name)} ${tick(`mcp__${byRawName.inTool}__…`)} (characters other than letters, digits, \`_\` and \`-\` become \`_\`), so this rule never matches them. Write ${tick(fixed)}.`,
      fix: fixed,
    });
  }
}

function bash(p: Extract<ParsedPattern, { kind: 'bash' }>, action: RuleAction, out: RuleWarning[]): void {
  if (p.whole) return;
  const c = p.command;
  const shown = p.match === 'prefix' ? `${c}:*` : c;
  if (c.includes(':*')) {
    const fixed = c.replace(/:\*/g, ' *');
    out.push({
      code: 'bash-colon-star',
      level: 'warning',
      message: `\`:*\` means "and any arguments" only at the end of a Bash rule; inside ${tick(shown)} the \`:\` is compared literally, so commands like ${tick(c.replace(/:\*/g, ' x'))} do not match. Write ${tick(`Bash(${p.match === 'prefix' ? `${fixed}:*` : fixed})`)}.`,
      fix: `Bash(${p.match === 'prefix' ? `${fixed}:*` : fixed})`,
    });
    return;
  }
  if (p.match !== 'glob' || c === '*') return;
  const stars = c.split('*').length - 1;
  const head = c.slice(0, -1);
  if (stars === 1 && c.endsWith('*') && !head.endsWith(' ') && action === 'allow' && head.includes(' ')) {
    // `npm run test*`: the `*` is glued to the last word.
    const word = head.slice(head.lastIndexOf(' ') + 1);
    out.push({
      code: 'bash-glued-star',
      level: 'warning',
      message: `The \`*\` right after ${tick(word)} spans any characters, so ${tick(`Bash(${c})`)} also allows ${tick(`${head}s`)}, ${tick(`${head}-anything`)} and ${tick(`${head}:x`)}. For ${tick(head)} alone or with arguments write ${tick(`Bash(${head}:*)`)}; keep the \`*\` only if you mean every command that starts with ${tick(head)}.`,
      fix: `Bash(${head}:*)`,
    });
    return;
  }
  if (stars === 1 && c.endsWith(' *') && action !== 'allow') {
    const bare = c.slice(0, -2);
    out.push({
      code: 'bash-space-star',
      level: 'warning',
      message: `${tick(`Bash(${c})`)} needs at least one argument after ${tick(bare)}: this ${action} rule does not match ${tick(bare)} run alone. Write ${tick(`Bash(${bare}:*)`)} to cover ${tick(bare)} with or without arguments.`,
      fix: `Bash(${bare}:*)`,
    });
  }
}

function path(p: Extract<ParsedPattern, { kind: 'path' }>, ctx: LintContext, out: RuleWarning[]): void {
  const written = p.path;
  const home = ctx.homeDir.replace(/\/+$/, '');
  const homeVar = /^(?:\$HOME|\$\{HOME\})(\/.*)?$/.exec(written);
  if (homeVar) {
    const fix = `${p.tool}(~${homeVar[1] ?? ''})`;
    out.push({
      code: 'path-home-variable',
      level: 'warning',
      message: `Rule paths do not expand variables: ${tick(written)} is a folder named \`$HOME\` under the agent's working directory. Write ${tick(fix)} for your home folder.`,
      fix,
    });
    return;
  }
  if (/^~[^/]/.test(written)) {
    out.push({
      code: 'path-tilde-user',
      level: 'warning',
      message: `Only \`~/\` means your home folder: ${tick(written)} is a name under the agent's working directory. Write \`~/…\`, or the absolute path with \`//\` (\`//home/name/…\`).`,
    });
    return;
  }
  if (p.anchor !== 'cwd' || !written.startsWith('/') || written.startsWith('//')) return;
  const rest = written.slice(1);
  const first = rest.split('/')[0] ?? '';
  const underHome = home !== '' && (written === home || written.startsWith(`${home}/`));
  if (underHome) {
    const fix = `${p.tool}(~${written.slice(home.length)})`;
    out.push({
      code: 'path-single-slash',
      level: 'warning',
      message: `A single leading \`/\` is relative: ${tick(written)} means ${tick(`.${written}`)} under the agent's working directory (in Claude Code's settings, under the project folder), not your home folder. Did you mean ${tick(fix)} (or ${tick(`${p.tool}(/${written})`)})?`,
      fix,
    });
    return;
  }
  const system = SYSTEM_DIRS.has(first);
  const absolute = `${p.tool}(/${written})`;
  const relative = `${p.tool}(./${rest})`;
  out.push({
    code: 'path-single-slash',
    level: 'warning',
    message: system
      ? `A single leading \`/\` is relative: ${tick(written)} means ${tick(`./${rest}`)} under the agent's working directory (in Claude Code's settings, under the project folder), not the absolute ${tick(written)}. Did you mean ${tick(absolute)}? (\`//\` starts an absolute path.)`
      : `A single leading \`/\` is relative: ${tick(written)} means ${tick(`./${rest}`)} under the agent's working directory (in Claude Code's settings, under the project folder). Write ${tick(relative)} to say so, or ${tick(absolute)} for the absolute path.`,
    fix: system ? absolute : relative,
  });
}

function domain(p: Extract<ParsedPattern, { kind: 'domain' }>, action: RuleAction, out: RuleWarning[]): void {
  const d = p.domain;
  if (p.subdomains) {
    if (!d.includes('.')) return; // `*.com`: see broad()
    const apex = `WebFetch(domain:${d})`;
    out.push(
      action === 'allow'
        ? {
            code: 'domain-subdomains-only',
            level: 'note',
            message: `${tick(`*.${d}`)} matches the subdomains of ${tick(d)} (${tick(`api.${d}`)}), not ${tick(d)} itself. Add ${tick(apex)} to allow it too.`,
            fix: apex,
          }
        : {
            code: 'domain-subdomains-only',
            level: 'warning',
            message: `${tick(`*.${d}`)} matches the subdomains of ${tick(d)} only: this ${action} rule lets ${tick(`https://${d}/`)} through. A ${action} rule on ${tick(apex)} covers ${tick(d)} and all its subdomains.`,
            fix: apex,
          },
    );
    return;
  }
  // A deny or ask rule on a domain covers its subdomains; an allow rule only the host itself.
  if (action === 'allow' && d.split('.').length === 2) {
    const sub = `WebFetch(domain:*.${d})`;
    out.push({
      code: 'domain-no-subdomains',
      level: 'note',
      message: `An allow rule on ${tick(d)} matches that host only, not ${tick(`www.${d}`)} or ${tick(`api.${d}`)} (those calls are asked). Add ${tick(sub)} to allow its subdomains too.`,
      fix: sub,
    });
  }
}

function broad(p: ParsedPattern, rule: Rule, out: RuleWarning[]): void {
  const who = rule.agent === undefined ? '' : ` (for agents matching ${tick(rule.agent)})`;
  const say = (what: string): void =>
    void out.push({
      code: 'allows-everything',
      level: 'warning',
      message: `${tick(rule.pattern)} ${what}${who}. Allow what the agent needs instead (\`Bash(npm test:*)\`, \`Edit(./src/**)\`), and let the rest be asked.`,
    });
  if (p.kind === 'tool') {
    const t = p.tool;
    if (/^\*+$/.test(t)) return say('allows every call of every tool (commands, file edits, web fetches, MCP tools): cco would ask about nothing');
    if (/^mcp__\*+$/.test(t)) return say('allows every tool of every MCP server');
    if (
      t === 'Bash' ||
      (/[*?]/.test(t) &&
        new RegExp(
          `^${t
            .replace(/[.+^${}()|[\]\\-]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
        ).test('Bash'))
    ) {
      return say('allows every Bash command (`rm -rf ~`, `curl … | sh`, `git push --force`)');
    }
    if (EDIT_FAMILY.has(t))
      return say(`allows ${t === 'Edit' ? 'every edit and write' : `every ${t}`} of any file on the machine (\`~/.bashrc\`, \`~/.ssh/authorized_keys\`)`);
    if (t === 'WebFetch') return say('allows fetching any URL (what an agent puts in a URL leaves the machine)');
    return;
  }
  if (p.kind === 'bash') {
    if (p.whole) return;
    if (p.match === 'glob' && /^\*+$/.test(p.command)) return say('allows every Bash command (`rm -rf ~`, `curl … | sh`, `git push --force`)');
    const word = p.command.split(' ')[0] as string;
    const single = !p.command.includes(' ');
    const wordOnly = (p.match === 'prefix' && single) || (p.match === 'glob' && (p.command === `${word} *` || p.command === `${word}*`));
    if (wordOnly && RUNS_ANY_CODE.has(word.replace(/^.*\//, ''))) {
      out.push({
        code: 'allows-any-code',
        level: 'warning',
        message: `${tick(rule.pattern)} allows ${tick(word)} with any arguments, and ${tick(word)} runs whatever it is given (${tick(`${word} ${word === 'eval' || word === 'sudo' || word === 'env' || word === 'xargs' ? 'rm -rf ~' : word === 'npx' || word === 'bunx' || word === 'pnpx' ? 'any-package' : "-c '…'"}`)}): close to allowing every command${who}. Allow the commands you mean (${tick(`Bash(${word} scripts/build.js)`)}, ${tick(`Bash(${word} <subcommand>:*)`)}).`,
      });
    }
    return;
  }
  if (p.kind === 'path' && EDIT_FAMILY.has(p.tool)) {
    const everything = p.glob === '' || /^\*\*(?:\/\*\*)*$/.test(p.glob);
    if (!everything) return;
    if (p.anchor === 'root') return say('allows editing and writing every file on the machine');
    if (p.anchor === 'home') return say('allows editing and writing every file in your home folder (`~/.bashrc`, `~/.ssh/authorized_keys`)');
    return say(
      "allows editing and writing every file under the agent's working directory, `.git/hooks` and `.claude/settings.json` included, which can make later commands run anything",
    );
  }
  if (p.kind === 'domain' && p.subdomains && !p.domain.includes('.')) {
    return say(`allows fetching from every host under \`.${p.domain}\``);
  }
}

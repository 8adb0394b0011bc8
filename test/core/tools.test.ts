import { describe, expect, it } from 'vitest';
import { anchorPattern } from '../../src/commands/rules-import.js';
import { riskMarks } from '../../src/core/risk.js';
import { compileRules } from '../../src/core/rules/index.js';
import { claudeRuleFromCall } from '../../src/core/rules/from-call.js';
import { parsePattern } from '../../src/core/rules/syntax.js';
import { AGENT_TOOLS } from '../../src/core/rules/tools.js';
import { primaryText, summarizeInput } from '../../src/core/summary.js';
import { CLAUDE_TOOLS, editsFiles, pathField, readsFolder, RULE_FAMILIES, toolInfo } from '../../src/core/tools.js';
import { detailLines } from '../../src/tui/detail-lines.js';
import { HOME, tool } from './rules/helpers.js';

const FILE_TOOLS = CLAUDE_TOOLS.filter((t) => pathField(t) !== undefined);
const evaluate = (pattern: string, action: 'allow' | 'deny', call: ReturnType<typeof tool>) =>
  compileRules([{ id: 'r1', pattern, action }], { homeDir: HOME }).evaluate(call).decidedBy;

describe('the tool catalogue: every consumer agrees with it', () => {
  it('knows the file tools and their fields', () => {
    expect(Object.fromEntries(FILE_TOOLS.map((t) => [t, pathField(t)]))).toEqual({
      Edit: 'file_path',
      Glob: 'path',
      Grep: 'path',
      LS: 'path',
      MultiEdit: 'file_path',
      NotebookEdit: 'notebook_path',
      Read: 'file_path',
      Write: 'file_path',
    });
    expect(RULE_FAMILIES).toEqual({ Read: ['Read', 'Glob', 'Grep', 'LS'], Edit: ['Edit', 'MultiEdit', 'NotebookEdit', 'Write'] });
    expect(CLAUDE_TOOLS.filter(readsFolder)).toEqual(['Glob', 'Grep', 'LS']);
    expect(AGENT_TOOLS).toBe(CLAUDE_TOOLS);
  });

  describe.each(FILE_TOOLS)('%s', (name) => {
    const field = pathField(name) as string;
    const call = tool(name, { [field]: '/etc/cco-test/secret', pattern: 'x' });
    const family = editsFiles(name) ? 'Edit' : 'Read';

    it('its rules take a path', () => {
      expect(parsePattern(`${name}(./src/**)`).kind).toBe('path');
    });
    it('a path rule of its own name and of its family checks its path field', () => {
      expect(evaluate(`${name}(//etc/cco-test/**)`, 'deny', call)).toBe('rule:r1');
      expect(evaluate(`${family}(//etc/cco-test/**)`, 'deny', call)).toBe('rule:r1');
      expect(evaluate(`${family}(//elsewhere/**)`, 'allow', call)).toBe('default');
    });
    it('is summarised with that path', () => {
      expect(primaryText(call)).toContain('/etc/cco-test/secret');
      expect(summarizeInput(call)).toContain('/etc/cco-test/secret');
    });
    it('is proposed as a rule of its family on that folder', () => {
      const rule = claudeRuleFromCall(call, HOME);
      expect(rule.startsWith(`${family}(/`)).toBe(true);
      expect(rule).toContain('/etc/cco-test');
    });
    it('has a Claude settings path anchored by rules import', () => {
      expect(anchorPattern(`${name}(/src/**)`, '/proj/.claude/settings.json')).toBe(`${name}(//proj/src/**)`);
    });
    if (editsFiles(name)) {
      it('a write outside the cwd is marked', () => {
        expect(riskMarks(call).map((m) => m.kind)).toEqual(['outside-cwd']);
      });
    }
  });

  // Where a consumer looked at another field than the rules do: now the rules' field, the safer meaning.
  it('NotebookEdit shows and marks the notebook its rules check, not a file_path added beside it', () => {
    const call = tool('NotebookEdit', { file_path: '/repo/harmless.ipynb', notebook_path: '/etc/x.ipynb' });
    expect(primaryText(call)).toBe('/etc/x.ipynb');
    expect(riskMarks(call)).toEqual([expect.objectContaining({ kind: 'outside-cwd', text: expect.stringContaining('/etc/x.ipynb') })]);
  });

  it.each(['Glob', 'Grep', 'LS'])('%s shows the path its rules check, and a file_path beside it as another field', (name) => {
    const call = tool(name, { file_path: '/repo/src', path: '/home/u/.ssh', pattern: '*' });
    expect(summarizeInput(call)).toContain('/home/u/.ssh');
    expect(summarizeInput(call)).not.toContain('/repo/src');
    const text = detailLines(call)
      .map((l) => l.text)
      .join('\n');
    expect(text).toMatch(/^path: \/home\/u\/\.ssh$/m);
    expect(text).toContain('/repo/src');
  });

  it('Read with only a `path` shows its input whole (its rules see no file_path)', () => {
    const call = tool('Read', { path: '/etc/shadow' });
    expect(primaryText(call)).toBeUndefined();
    expect(summarizeInput(call)).toContain('/etc/shadow');
    expect(evaluate('Read(//etc/**)', 'allow', call)).toBe('default');
  });

  it('a tool not in the catalogue gets no path shortcut: path rules do not match it, the default decides', () => {
    const call = tool('FutureEdit', { file_path: '/repo/src/a.ts' });
    expect(toolInfo('FutureEdit')).toBeUndefined();
    expect(toolInfo('constructor')).toBeUndefined();
    expect(pathField('toString')).toBeUndefined();
    expect(evaluate('Edit(/repo/**)', 'allow', call)).toBe('default');
    expect(evaluate('Read(/repo/**)', 'allow', call)).toBe('default');
    expect(primaryText(call)).toBeUndefined();
    expect(riskMarks(call)).toEqual([]);
    expect(claudeRuleFromCall(call, HOME)).toBe('FutureEdit');
    expect(() => parsePattern('FutureEdit(./src/**)')).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { eventLine } from '../../src/app/headless.js';

describe('cco serve output', () => {
  it('escapes terminal control sequences an agent puts in the tool name or input', () => {
    const line = eventLine({
      type: 'request',
      id: 'c1',
      call: { toolName: 'Bash\u001b]0;PWNED\u0007', input: { command: 'ls \u001b[2J' } },
      at: 0,
      deadline: 1,
      autoDecided: false,
    })!;
    expect(line).not.toMatch(/[\u0000-\u001f]/);
    expect(line).toContain('Bash\\u001b]0;PWNED\\u0007');
  });
});

import { describe, expect, it, vi } from 'vitest';
import { decidingAs } from '../../src/core/people.js';
import { Broker } from '../../src/core/broker.js';
import { bash, renderConsole } from './helpers.js';

describe('who decided, in the console', () => {
  it('the history names the person of each decision (escaped); a key pressed in a console deciding as a person is theirs', async () => {
    let n = 0;
    const broker = new Broker({ newId: () => `c${++n}`, timeoutMs: 60_000 });
    const { frame, press } = renderConsole({ broker, source: decidingAs(broker, 'bob') });
    void broker.request(bash('git push'));
    void broker.request(bash('rm -rf build'));
    void broker.request(bash('make'));
    await vi.waitFor(() => expect(frame()).toContain('make'));
    // Through the decision API with alice's token, and with a name from an edited log.
    broker.decide('c1', { behavior: 'allow', person: 'alice' });
    broker.decide('c2', { behavior: 'deny', person: 'eve\u001b[2J' });
    await vi.waitFor(() => expect(frame()).toMatch(/✓ Bash .*alice /));
    expect(frame()).toMatch(/✗ Bash .*eve\\u001b\[2J/);
    await press('a', () => /✓ Bash .*bob /.test(frame()));
    expect(broker.snapshot().recent.find((d) => d.id === 'c3')?.decision).toMatchObject({ decidedBy: 'user', person: 'bob' });
  });
});

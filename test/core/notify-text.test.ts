import { describe, expect, it } from 'vitest';
import type { Notice } from '../../src/core/notify-plan.js';
import { desktopText, oscKindFor, oscNotification, webhookFormatFor, webhookRequest, webhookText } from '../../src/core/notify-text.js';
import { showWebhookUrl, webhookUrlProblem } from '../../src/core/settings.js';
import type { PendingCall } from '../../src/core/types.js';

const T = 1_700_000_000_000;
const call = (id: string, agent: string, command: string, waitedMs = 12_000, toolName = 'Bash'): PendingCall => ({
  id,
  call: { toolName, input: { command }, agent: { name: agent } },
  receivedAt: T - waitedMs,
  deadline: T + 60_000,
});
const notice = (waiting: PendingCall[], step: Notice['step'] = 'desktop'): Notice => ({ step, at: T, calls: waiting, waiting });

/** Every C0 and C1 control character, DEL and the bidi controls. */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

describe('desktop text', () => {
  it.each([
    ['one call', [call('c1', 'api', 'git push')], 'cco: api asks Bash: git push'],
    [
      'a burst from three agents',
      [call('c1', 'api', 'git push', 30_000), call('c2', 'web', 'ls'), call('c3', 'db', 'ls'), call('c4', 'api', 'ls'), call('c5', 'web', 'ls')],
      'cco: 5 asks from 3 agents, oldest 30s; new: api Bash: git push (+4 more)',
    ],
    ['two from one agent', [call('c1', 'api', 'a'), call('c2', 'api', 'b')], 'cco: 2 asks from 1 agent, oldest 12s; new: api Bash: a (+1 more)'],
  ])('%s', (_name, waiting, body) => {
    expect(desktopText(notice(waiting))).toEqual({ title: 'cco', body });
  });
});

describe('OSC framing', () => {
  const text = { title: 'cco', body: 'cco: api asks Bash: ls' };
  it.each([
    ['osc9', false, '\u001b]9;cco: api asks Bash: ls\u0007'],
    ['osc777', false, '\u001b]777;notify;cco;cco: api asks Bash: ls\u0007'],
    ['osc9', true, '\u001bPtmux;\u001b\u001b]9;cco: api asks Bash: ls\u0007\u001b\\'],
    ['osc777', true, '\u001bPtmux;\u001b\u001b]777;notify;cco;cco: api asks Bash: ls\u0007\u001b\\'],
  ] as const)('%s, tmux %s', (kind, tmux, expected) => {
    expect(oscNotification(text, kind, tmux)).toBe(expected);
  });

  it.each([
    ['iTerm2', { TERM_PROGRAM: 'iTerm.app' }, 'osc9'],
    ['WezTerm', { TERM_PROGRAM: 'WezTerm' }, 'osc9'],
    ['kitty', { TERM: 'xterm-kitty', KITTY_WINDOW_ID: '1' }, 'osc9'],
    ['Ghostty', { TERM_PROGRAM: 'ghostty' }, 'osc9'],
    ['foot', { TERM: 'foot' }, 'osc777'],
    ['GNOME Terminal (VTE)', { TERM: 'xterm-256color', VTE_VERSION: '7600' }, 'osc777'],
    ['urxvt', { TERM: 'rxvt-unicode-256color' }, 'osc777'],
    ['an unknown terminal', { TERM: 'xterm' }, 'osc9'],
    ['tmux inside kitty', { TERM: 'tmux-256color', TERM_PROGRAM: 'tmux', KITTY_WINDOW_ID: '1' }, 'osc9'],
  ])('%s speaks %s', (_name, env, kind) => {
    expect(oscKindFor(env)).toBe(kind);
  });
});

describe('hostile agent input never reaches the terminal as control characters', () => {
  const hostile = [
    '\u001b]0;pwned\u0007',
    'st\u009cop',
    '\u001b[2J\u001bP+q\u001b\\',
    'evil\u202eexe.txt\u2066x\u2069',
    'line\nbreak\rreturn',
    'x'.repeat(10_000),
  ];
  it.each(hostile.map((h) => [JSON.stringify(h.slice(0, 30)), h]))('%s as agent, tool and command', (_name, h) => {
    const waiting = [call('c1', h, h, 1000, h), call('c2', h, h)];
    for (const n of [notice([waiting[0]!]), notice(waiting)]) {
      const text = desktopText(n);
      expect(text.body.length).toBeLessThanOrEqual(200);
      for (const kind of ['osc9', 'osc777'] as const) {
        for (const tmux of [false, true]) {
          const osc = oscNotification(text, kind, tmux);
          // Exactly the framing's own controls: one ESC (doubled in tmux) to start, one BEL to end.
          const inner = tmux ? osc.slice('\u001bPtmux;\u001b\u001b]'.length, -'\u0007\u001b\\'.length) : osc.slice(2, -1);
          expect(inner).not.toMatch(CONTROLS);
          expect(osc.length).toBeLessThan(300);
        }
      }
      for (const content of [false, true]) {
        const body = JSON.stringify(webhookRequest(n, 'https://example.com/hook', 'json', content).body);
        expect(JSON.parse(body)).toBeTruthy();
        expect(body).not.toMatch(CONTROLS);
        expect(body.length).toBeLessThan(3000);
      }
    }
  });
});

describe('webhook bodies', () => {
  const waiting = [call('k3f9q2', 'frontend', 'git push --force', 150_000), call('c2', 'api', 'rm -rf build')];

  it('without content: counts and the wait, nothing an agent sent', () => {
    const text = webhookText(notice(waiting, 'webhook'), false);
    expect(text).toBe('cco: 2 calls are waiting for a decision (2 agents; the oldest for 2m30s).');
    for (const format of ['json', 'slack', 'ntfy'] as const) {
      const body = JSON.stringify(webhookRequest(notice(waiting, 'webhook'), 'https://example.com/hook', format, false).body);
      for (const secret of ['frontend', 'api', 'git push', 'rm -rf', 'Bash', 'k3f9q2']) expect(body).not.toContain(secret);
    }
  });

  it("with content: the burst's calls, escaped and listed at most five", () => {
    const many = [...waiting, ...Array.from({ length: 6 }, (_, i) => call(`x${i}`, 'api', `echo ${i}\u001b[31m`))];
    const text = webhookText(notice(many, 'webhook'), true);
    // Only the calls of this burst are listed; the count is of all that wait.
    expect(webhookText({ step: 'webhook', at: T, calls: [many[7]!], waiting: many }, true).split('\n')).toEqual([
      'cco: 8 calls are waiting for a decision (2 agents; the oldest for 2m30s).',
      '- api Bash: echo 5\\u001b[31m',
    ]);
    expect(text.split('\n')).toEqual([
      'cco: 8 calls are waiting for a decision (2 agents; the oldest for 2m30s).',
      '- frontend Bash: git push --force',
      '- api Bash: rm -rf build',
      '- api Bash: echo 0\\u001b[31m',
      '- api Bash: echo 1\\u001b[31m',
      '- api Bash: echo 2\\u001b[31m',
      '- and 3 more',
    ]);
    const json = webhookRequest(notice(waiting, 'webhook'), 'https://example.com/hook', 'json', true).body;
    expect(json.calls).toEqual([
      { id: 'k3f9q2', agent: 'frontend', tool: 'Bash', summary: 'git push --force', waitingMs: 150_000 },
      { id: 'c2', agent: 'api', tool: 'Bash', summary: 'rm -rf build', waitingMs: 12_000 },
    ]);
  });

  it.each([
    ['slack', 'https://hooks.slack.com/services/T/B/x', 'auto', 'https://hooks.slack.com/services/T/B/x', { text: expect.stringMatching(/^cco: 2 calls/) }],
    [
      'ntfy.sh by its host',
      'https://ntfy.sh/my-topic',
      'auto',
      'https://ntfy.sh/',
      { topic: 'my-topic', title: 'cco: calls are waiting', message: expect.stringMatching(/^cco: 2 calls/), tags: ['hourglass'], priority: 4 },
    ],
    ['self-hosted ntfy under a path', 'https://example.com/ntfy/team?x=1', 'ntfy', 'https://example.com/ntfy/', expect.objectContaining({ topic: 'team' })],
    [
      'json',
      'http://127.0.0.1:9/hook',
      'auto',
      'http://127.0.0.1:9/hook',
      { source: 'cco', event: 'waiting', text: expect.any(String), waiting: 2, agents: 2, oldestWaitingMs: 150_000 },
    ],
  ] as const)('%s', (_name, url, format, to, body) => {
    const req = webhookRequest(notice(waiting, 'webhook'), url, format, false);
    expect(req.url).toBe(to);
    expect(req.body).toEqual(body);
  });

  it('a user and password in the URL become Basic authorization, not part of the URL', () => {
    const req = webhookRequest(notice(waiting, 'webhook'), 'https://me:p%C3%A4ss@ntfy.example.com/team', 'ntfy', false);
    expect(req.url).toBe('https://ntfy.example.com/');
    expect(req.headers).toEqual({ 'content-type': 'application/json', authorization: `Basic ${Buffer.from('me:päss').toString('base64')}` });
    expect(webhookRequest(notice(waiting, 'webhook'), 'https://ntfy.sh/t', 'auto', false).headers).toEqual({ 'content-type': 'application/json' });
  });

  it('auto picks the format by host', () => {
    expect(webhookFormatFor(new URL('https://hooks.slack.com/x'), 'auto')).toBe('slack');
    expect(webhookFormatFor(new URL('https://ntfy.sh/x'), 'auto')).toBe('ntfy');
    expect(webhookFormatFor(new URL('https://ntfy.sh/x'), 'json')).toBe('json');
    expect(webhookFormatFor(new URL('https://example.com/x'), 'auto')).toBe('json');
  });

  it.each([
    ['https://ntfy.sh/topic', undefined],
    ['http://127.0.0.1:8080/hook', undefined],
    ['ftp://example.com/x', 'it must be an http:// or https:// URL (got "ftp:")'],
    ['file:///etc/passwd', 'it must be an http:// or https:// URL (got "file:")'],
    ['ntfy.sh/topic', 'it is not a URL (got "ntfy.sh/topic"); use e.g. https://ntfy.sh/your-topic or a Slack incoming-webhook URL'],
  ])('URL %s', (url, problem) => {
    expect(webhookUrlProblem(url)).toBe(problem);
  });

  it('the URL is shown by its origin only (the path is often the secret)', () => {
    expect(showWebhookUrl('https://hooks.slack.com/services/T0/B0/secret')).toBe('https://hooks.slack.com/… (set)');
    expect(showWebhookUrl(undefined)).toBe('(none)');
  });
});

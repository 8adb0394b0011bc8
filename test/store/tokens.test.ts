import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_TOKENS, TokenBook, TokenStore, localPerson, tokenHash } from '../../src/store/tokens.js';
import { PERSON_NAME_RE } from '../../src/core/people.js';
import { tempHome } from '../helpers/cli.js';

const posixOnly = process.platform === 'win32' ? it.skip : it;
const storeIn = (home: string) => new TokenStore(join(home, 'tokens.json'));

describe('the tokens file', () => {
  it('add, list and rm: the token is printed once and only its hash is kept', async () => {
    const store = storeIn(tempHome());
    expect(store.list()).toEqual([]);
    const alice = await store.add('alice', {}, Date.parse('2026-01-02T03:04:05Z'));
    const bot = await store.add('ci-bot', { denyOnly: true });
    const carol = await store.add('carol', { noAlways: true });
    expect(alice.token).toMatch(/^cco_[A-Za-z0-9_-]{43}$/);
    expect(new Set([alice.token, bot.token, carol.token]).size).toBe(3);
    expect(store.list()).toEqual([
      { name: 'alice', sha256: tokenHash(alice.token), created: '2026-01-02T03:04:05.000Z', limits: {} },
      { name: 'ci-bot', sha256: tokenHash(bot.token), created: expect.any(String), limits: { denyOnly: true } },
      { name: 'carol', sha256: tokenHash(carol.token), created: expect.any(String), limits: { noAlways: true } },
    ]);
    const text = readFileSync(store.file, 'utf8');
    for (const t of [alice, bot, carol]) expect(text).not.toContain(t.token);

    expect(await store.remove('ci-bot')).toBe(true);
    expect(await store.remove('ci-bot')).toBe(false);
    expect(store.list().map((t) => t.name)).toEqual(['alice', 'carol']);
  });

  posixOnly('is written with mode 0600, and stays so across changes', async () => {
    const store = storeIn(tempHome());
    await store.add('alice', {});
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    await store.add('bob', {});
    await store.remove('alice');
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
  });

  it('a duplicate name is refused, and the first token stays', async () => {
    const store = storeIn(tempHome());
    const first = await store.add('alice', {});
    await expect(store.add('alice', { denyOnly: true })).rejects.toThrow(
      'A token named "alice" exists already. Revoke it first (`cco token rm alice`), or pick another name.',
    );
    expect(store.list()).toEqual([expect.objectContaining({ name: 'alice', sha256: tokenHash(first.token), limits: {} })]);
  });

  it.each(['', 'al ice', '-x', 'x'.repeat(33), 'a\u001bb'])('a bad name "%s" is refused before anything is written', async (name) => {
    const store = storeIn(tempHome());
    await expect(store.add(name, {})).rejects.toThrow(/^Invalid name/);
    expect(() => statSync(store.file)).toThrow(/ENOENT/);
  });

  it.each([
    ['not JSON', '{"version": 1, "tokens": [', /is not valid JSON/],
    ['not an object', '[]', /it is not a JSON object/],
    ['another version', '{"version": 2, "tokens": []}', /"version" is not 1/],
    ['no list', '{"version": 1}', /"tokens" is not a list/],
    [
      'a bad name',
      '{"version":1,"tokens":[{"name":"a b","sha256":"' + 'a'.repeat(64) + '","created":"2026-01-01T00:00:00Z","limits":{}}]}',
      /tokens\[0\]\.name is not a valid name/,
    ],
    [
      'a bad hash',
      '{"version":1,"tokens":[{"name":"a","sha256":"xyz","created":"2026-01-01T00:00:00Z","limits":{}}]}',
      /tokens\[0\]\.sha256 is not 64 hex digits/,
    ],
    [
      'an unknown limit',
      '{"version":1,"tokens":[{"name":"a","sha256":"' + 'a'.repeat(64) + '","created":"2026-01-01T00:00:00Z","limits":{"readOnly":true}}]}',
      /unknown limit "readOnly"/,
    ],
    [
      'a name twice',
      '{"version":1,"tokens":[' +
        ['a', 'a'].map((n) => `{"name":"${n}","sha256":"${'a'.repeat(64)}","created":"2026-01-01T00:00:00Z","limits":{}}`).join(',') +
        ']}',
      /the name "a" appears twice/,
    ],
  ])('a broken file (%s) is reported, naming the file, and never overwritten', async (_what, text, problem) => {
    const store = storeIn(tempHome());
    writeFileSync(store.file, text, { mode: 0o600 });
    expect(() => store.list()).toThrow(problem);
    expect(() => store.list()).toThrow(`The tokens file ${store.file} is invalid`);
    await expect(store.add('alice', {})).rejects.toThrow(/cco never overwrites a broken file/);
    await expect(store.remove('a')).rejects.toThrow(problem);
    expect(readFileSync(store.file, 'utf8')).toBe(text);
  });

  it(`holds at most ${MAX_TOKENS} tokens`, async () => {
    const store = storeIn(tempHome());
    const tokens = Array.from({ length: MAX_TOKENS }, (_, i) => ({ name: `p${i}`, sha256: 'b'.repeat(64), created: '2026-01-01T00:00:00Z', limits: {} }));
    writeFileSync(store.file, JSON.stringify({ version: 1, tokens }), { mode: 0o600 });
    await expect(store.add('one-more', {})).rejects.toThrow(`There are ${MAX_TOKENS} tokens already`);
  });
});

describe('a running server looking tokens up', () => {
  it('sees an added token and a revoked one at the next lookup, without a restart', async () => {
    const store = storeIn(tempHome());
    const book = new TokenBook(store.file);
    expect(book.lookup('cco_anything')).toEqual({ unknown: true });
    const { token } = await store.add('alice', { noAlways: true });
    expect(book.lookup(token)).toEqual({ identity: { person: 'alice', limits: { noAlways: true } } });
    expect(book.lookup(`${token}x`)).toEqual({ unknown: true });
    await store.remove('alice');
    expect(book.lookup(token)).toEqual({ unknown: true });
  });

  it('a file broken while cco runs refuses every named token, saying why, until it is fixed', async () => {
    const store = storeIn(tempHome());
    const book = new TokenBook(store.file);
    const { token } = await store.add('alice', {});
    const good = readFileSync(store.file, 'utf8');
    writeFileSync(store.file, '{oops');
    expect(book.lookup(token)).toEqual({ broken: expect.stringMatching(/tokens file .* is invalid: it is not valid JSON/) });
    writeFileSync(store.file, good);
    expect(book.lookup(token)).toEqual({ identity: { person: 'alice', limits: {} } });
  });
});

it('the person at this machine is named by a valid OS user name, else "local"', () => {
  expect(localPerson()).toMatch(PERSON_NAME_RE);
});

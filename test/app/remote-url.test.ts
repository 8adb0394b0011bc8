import { describe, expect, it } from 'vitest';
import { checkUrl, endpointOf } from '../../src/app/remote-console.js';

describe('cco watch --connect URL: a token goes in clear text only to this machine', () => {
  it.each([
    ['http://127.0.0.1:8660', 'http://127.0.0.1:8660'],
    ['http://127.1:8660/', 'http://127.0.0.1:8660'],
    ['http://0x7f.1:8660', 'http://127.0.0.1:8660'],
    ['http://[::1]:8660', 'http://[::1]:8660'],
    ['http://LOCALHOST:8660', 'http://localhost:8660'],
    ['https://cco.example.org', 'https://cco.example.org'],
  ])('%s is accepted as %s', (url, base) => {
    expect(checkUrl(url)).toBe(base);
  });

  it.each([
    'http://127.0.0.1.evil.com:8660',
    'http://evil.com:8660',
    'http://[::ffff:127.0.0.1]:8660',
    'http://localhost.:8660',
    'http://127.0.0.1@evil.com',
    'http://evil.com#@127.0.0.1',
    'http://evil.com\\@127.0.0.1',
    'http://user:pw@127.0.0.1:8660',
    'http://[::1%25lo]:8660',
    'ftp://127.0.0.1',
    'http://127.0.0.1:8660/api',
    'http://127.0.0.1:8660/?x=1',
  ])('%s is refused', (url) => {
    expect(() => checkUrl(url)).toThrow();
  });
});

describe('cco watch --connect URL without CCO_API_TOKEN', () => {
  it("says how to get a decision token: make a named one there, or use its server file's", async () => {
    const endpoint = endpointOf('https://cco.example.org', '/nonexistent/server.json', {});
    const error = await endpoint().catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(/CCO_API_TOKEN/);
    expect((error as Error).message).toMatch(/server file/);
    expect((error as Error).message).toMatch(/cco token add NAME/);
  });
});

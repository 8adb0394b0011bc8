import { describe, expect, it } from 'vitest';
import { escapeJson, escapeLine, escapeLines, escapeText } from '../../src/core/escape.js';
import { oneLine } from '../../src/core/summary.js';

/** Anything a terminal would act on or not show: none of it may survive escaping. */
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]|[\u{e0000}-\u{e007f}]|[\ud800-\udfff]/u;

describe('escapeText', () => {
  it.each([
    ['ESC [2J (clear screen)', 'a\u001b[2Jb', 'a\\u001b[2Jb'],
    ['OSC 0 (window title)', '\u001b]0;title\u0007x', '\\u001b]0;title\\u0007x'],
    ['CR', 'a\rb', 'a\\u000db'],
    ['LF, visible as \\n', 'a\nb', 'a\\nb'],
    ['CRLF', 'a\r\nb', 'a\\u000d\\nb'],
    ['tab: two spaces, as in the console', 'a\tb', 'a  b'],
    ['bidi override U+202E', 'rm \u202eabc', 'rm \\u202eabc'],
    ['bidi isolates U+2066–U+2069', '\u2066x\u2069\u2067\u2068', '\\u2066x\\u2069\\u2067\\u2068'],
    ['LRM, RLM, ALM', '\u200e\u200f\u061c', '\\u200e\\u200f\\u061c'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['zero-width space U+200B', 'r\u200bm', 'r\\u200bm'],
    ['ZWNJ, ZWJ, BOM, word joiner', '\u200c\u200d\ufeff\u2060', '\\u200c\\u200d\\ufeff\\u2060'],
    ['C1 CSI U+009B', 'a\u009b2Jb', 'a\\u009b2Jb'],
    ['DEL', 'a\u007fb', 'a\\u007fb'],
    ['NUL and BEL', '\u0000\u0007', '\\u0000\\u0007'],
    ['soft hyphen', 'ab\u00adc', 'ab\\u00adc'],
    ['Hangul filler', 'x\u3164y', 'x\\u3164y'],
    ['tag characters (hidden text)', 'ok\u{e0041}\u{e0042}', 'ok\\u{e0041}\\u{e0042}'],
    ['a lone surrogate', 'a\ud800b', 'a\\ud800b'],
  ])('%s', (_name, input, expected) => {
    const out = escapeText(input);
    expect(out).toBe(expected);
    expect(out).not.toMatch(RAW);
  });

  it.each([
    ['plain ASCII', 'npm test -- --watch'],
    ['CJK', 'echo 漢字かな'],
    ['emoji, with its presentation selector', 'echo 🎉 ❤️'],
    ['accents and combining marks', 'café e\u0301'],
    ['a backslash path', 'C:\\Users\\me'],
  ])('leaves %s as it is', (_name, input) => {
    expect(escapeText(input)).toBe(input);
  });

  it('options choose what a newline and a tab become', () => {
    expect(escapeText('a\n\tb', { newline: '⏎ ', tab: ' ' })).toBe('a⏎  b');
  });

  it('is idempotent: escaping escaped text changes nothing', () => {
    const once = escapeText('\u001b]0;x\u0007\u202e\u200b\r\n');
    expect(escapeText(once)).toBe(once);
  });
});

describe('the line functions share it', () => {
  it('escapeLine drops the CR of a CRLF line end only', () => {
    expect(escapeLine('a\rb\r')).toBe('a\\u000db');
  });

  it('escapeLines keeps the newlines of a multi-line message', () => {
    expect(escapeLines('No rule \u001b[2J\nnext\u202e')).toBe('No rule \\u001b[2J\nnext\\u202e');
  });

  it('oneLine (cco log, cco pending) escapes the same characters', () => {
    expect(oneLine('a\u200bb\u202ec\u001b[2J\nd')).toBe('a\\u200bb\\u202ec\\u001b[2J⏎ d');
  });

  it('oneLine never cuts an emoji in half', () => {
    expect(oneLine('ab🎉cd', 4)).toBe('ab…');
  });
});

describe('escapeJson', () => {
  it('escapes what JSON.stringify leaves raw, and the result is the same JSON value', () => {
    const value = { pattern: 'Bash(\u202e\u200b\u2028\u009b\u007f\u001b]0;x\u0007\r\n漢字 🎉\u{e0041})', list: ['\u2066'] };
    for (const json of [JSON.stringify(value), JSON.stringify(value, null, 2)]) {
      const safe = escapeJson(json);
      // eslint-disable-next-line no-control-regex
      expect(safe.replace(/[\n ]/g, '')).not.toMatch(RAW);
      expect(JSON.parse(safe)).toEqual(value);
      expect(safe).toContain('\\u202e');
      expect(safe).toContain('\\udb40\\udc41'); // a tag character as a JSON surrogate pair
      expect(safe).toContain('漢字 🎉');
    }
  });
});

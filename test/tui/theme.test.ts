import { describe, expect, it } from 'vitest';
import { colorFromEnv } from '../../src/tui/theme.js';

describe('NO_COLOR', () => {
  // chalk (under Ink) ignores NO_COLOR, so the console decides itself (https://no-color.org).
  it.each([
    [{}, true],
    [{ NO_COLOR: '1' }, false],
    [{ NO_COLOR: 'anything' }, false],
    [{ NO_COLOR: '' }, true],
  ])('%o → colour %s', (env, expected) => {
    expect(colorFromEnv(env)).toBe(expected);
  });
});

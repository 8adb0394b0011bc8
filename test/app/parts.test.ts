import { describe, expect, it } from 'vitest';
import { FAILED_START, openParts, type Part } from '../../src/app/parts.js';

/** A part that records its open and close in `log`. */
function recorded(log: string[], name: string): () => Part<string> {
  return () => {
    log.push(`open ${name}`);
    return { value: name, close: (reason) => void log.push(`close ${name}: ${reason}`) };
  };
}

describe('openParts', () => {
  it('closes the parts in the reverse order of opening, each told the reason', async () => {
    const log: string[] = [];
    const parts = openParts((e) => log.push(`error ${String(e)}`));
    expect(await parts.open('a', recorded(log, 'a'))).toBe('a');
    await parts.open('b', async () => recorded(log, 'b')());
    await parts.open('c', recorded(log, 'c'));
    await parts.close('bye');
    expect(log).toEqual(['open a', 'open b', 'open c', 'close c: bye', 'close b: bye', 'close a: bye']);
  });

  it('waits for a part to finish closing before closing the one opened before it', async () => {
    const log: string[] = [];
    const parts = openParts(() => {});
    await parts.open('a', recorded(log, 'a'));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    await parts.open('slow', () => ({
      value: 1,
      close: async () => {
        log.push('slow closing');
        await released;
        log.push('slow closed');
      },
    }));
    const closing = parts.close('bye');
    await expect.poll(() => log.includes('slow closing')).toBe(true);
    expect(log).not.toContain('close a: bye');
    release();
    await closing;
    expect(log.slice(-3)).toEqual(['slow closing', 'slow closed', 'close a: bye']);
  });

  it('closes the parts already open when one fails to open, then rethrows its error', async () => {
    const log: string[] = [];
    const parts = openParts(() => {});
    await parts.open('a', recorded(log, 'a'));
    await parts.open('b', recorded(log, 'b'));
    const boom = new Error('port in use');
    await expect(
      parts.open('http', async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(log).toEqual(['open a', 'open b', `close b: ${FAILED_START}`, `close a: ${FAILED_START}`]);
    await expect(parts.open('later', recorded(log, 'later'))).rejects.toThrow(/stopping/);
    expect(log).not.toContain('open later');
  });

  it('reports a part whose close throws and still closes the others', async () => {
    const log: string[] = [];
    const errors: unknown[] = [];
    const parts = openParts((e) => errors.push(e));
    await parts.open('a', recorded(log, 'a'));
    await parts.open('broken', () => ({
      value: 0,
      close: () => {
        throw new Error('cannot close');
      },
    }));
    await parts.open('c', recorded(log, 'c'));
    await parts.close('bye');
    expect(log).toEqual(['open a', 'open c', 'close c: bye', 'close a: bye']);
    expect(errors).toEqual([new Error('cannot close')]);
  });

  it('closes once: a second close returns the first one and closes nothing again', async () => {
    const log: string[] = [];
    const parts = openParts(() => {});
    await parts.open('a', recorded(log, 'a'));
    await parts.open('nothing', () => ({ value: 'no close' }));
    const first = parts.close('one');
    const second = parts.close('two');
    expect(second).toBe(first);
    await second;
    expect(log).toEqual(['open a', 'close a: one']);
  });
});

/**
 * Where a value sits in a JSON text, by its path (`["rules", 2, "pattern"]`): the line and column
 * (1-based) a person's editor shows. For text JSON.parse accepted; with a key given twice, the
 * last one (the one JSON.parse keeps). Pure.
 */
export interface TextPosition {
  line: number;
  column: number;
}

/** The position of the value at `path` (of its key, with `key: true`); undefined when the path is not there. */
export function locateJson(text: string, path: readonly (string | number)[], opts: { key?: boolean } = {}): TextPosition | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r\ufeff'.includes(text[i] as string)) i++;
  };
  const stringEnd = (from: number): number => {
    let j = from + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    return j + 1;
  };
  /** Skips the value at i; returns false on text it does not understand. */
  const skip = (): boolean => {
    ws();
    const c = text[i];
    if (c === '"') i = stringEnd(i);
    else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return true;
      }
      for (;;) {
        if (c === '{') {
          ws();
          i = stringEnd(i);
          ws();
          i++; // :
        }
        if (!skip()) return false;
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return true;
        } else return false;
      }
    } else {
      const m = /^[^,\]}\s]+/.exec(text.slice(i, i + 64));
      if (!m) return false;
      i += m[0].length;
    }
    return true;
  };
  let at = (ws(), i);
  for (const [depth, step] of path.entries()) {
    i = at;
    const c = text[i];
    let found: number | undefined;
    let keyAt: number | undefined;
    if (c === '{' && typeof step === 'string') {
      i++;
      for (;;) {
        ws();
        if (text[i] !== '"') break;
        const start = i;
        i = stringEnd(i);
        let name: unknown;
        try {
          name = JSON.parse(text.slice(start, i));
        } catch {
          return undefined;
        }
        ws();
        i++; // :
        ws();
        if (name === step) [found, keyAt] = [i, start];
        if (!skip()) return undefined;
        ws();
        if (text[i] !== ',') break;
        i++;
      }
    } else if (c === '[' && typeof step === 'number') {
      i++;
      for (let n = 0; ; n++) {
        ws();
        if (text[i] === ']') break;
        if (n === step) {
          found = i;
          break;
        }
        if (!skip()) return undefined;
        ws();
        if (text[i] !== ',') break;
        i++;
      }
    }
    if (found === undefined) return undefined;
    at = opts.key && depth === path.length - 1 && keyAt !== undefined ? keyAt : found;
  }
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}

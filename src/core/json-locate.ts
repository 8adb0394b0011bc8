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
  const cur = new JsonCursor(text);
  cur.ws();
  let at = cur.i;
  for (const [depth, step] of path.entries()) {
    cur.i = at;
    const c = text[at];
    const hit = c === '{' && typeof step === 'string' ? cur.member(step) : c === '[' && typeof step === 'number' ? cur.element(step) : undefined;
    if (hit === undefined) return undefined;
    at = opts.key && depth === path.length - 1 && hit.keyAt !== undefined ? hit.keyAt : hit.found;
  }
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}

/** A place in the text, moved over whitespace, strings and whole values. */
class JsonCursor {
  i = 0;

  constructor(private readonly text: string) {}

  ws(): void {
    const text = this.text;
    while (this.i < text.length && ' \t\n\r\ufeff'.includes(text[this.i] as string)) this.i++;
  }

  /** The index just after the string that opens at `from`. */
  stringEnd(from: number): number {
    const text = this.text;
    let j = from + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    return j + 1;
  }

  /** Skips the value at i; returns false on text it does not understand. */
  skip(): boolean {
    const text = this.text;
    this.ws();
    const c = text[this.i];
    if (c === '"') this.i = this.stringEnd(this.i);
    else if (c === '{' || c === '[') return this.skipContainer(c);
    else {
      const m = /^[^,\]}\s]+/.exec(text.slice(this.i, this.i + 64));
      if (!m) return false;
      this.i += m[0].length;
    }
    return true;
  }

  private skipContainer(c: '{' | '['): boolean {
    const text = this.text;
    const close = c === '{' ? '}' : ']';
    this.i++;
    this.ws();
    if (text[this.i] === close) {
      this.i++;
      return true;
    }
    for (;;) {
      if (c === '{') {
        this.ws();
        this.i = this.stringEnd(this.i);
        this.ws();
        this.i++; // :
      }
      if (!this.skip()) return false;
      this.ws();
      if (text[this.i] === ',') this.i++;
      else if (text[this.i] === close) {
        this.i++;
        return true;
      } else return false;
    }
  }

  /** In the object at i: where the value of the last member named `step` starts, and its key. */
  member(step: string): { found: number; keyAt?: number } | undefined {
    const text = this.text;
    let found: number | undefined;
    let keyAt: number | undefined;
    this.i++;
    for (;;) {
      this.ws();
      if (text[this.i] !== '"') break;
      const start = this.i;
      this.i = this.stringEnd(this.i);
      let name: unknown;
      try {
        name = JSON.parse(text.slice(start, this.i));
      } catch {
        return undefined;
      }
      this.ws();
      this.i++; // :
      this.ws();
      if (name === step) [found, keyAt] = [this.i, start];
      if (!this.skip()) return undefined;
      this.ws();
      if (text[this.i] !== ',') break;
      this.i++;
    }
    return found === undefined ? undefined : { found, keyAt };
  }

  /** In the array at i: where element `step` starts. */
  element(step: number): { found: number; keyAt?: number } | undefined {
    const text = this.text;
    this.i++;
    for (let n = 0; ; n++) {
      this.ws();
      if (text[this.i] === ']') return undefined;
      if (n === step) return { found: this.i };
      if (!this.skip()) return undefined;
      this.ws();
      if (text[this.i] !== ',') return undefined;
      this.i++;
    }
  }
}

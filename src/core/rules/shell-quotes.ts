/** Shell quoting read the way bash reads it: quote removal, and `$'…'` (ANSI-C) strings decoded. */

/** Quotes and backslashes removed the way the shell removes them: `'r'm` and `$'\x72m'` run `rm`. */
export function unquote(text: string): string {
  if (!/['"\\]/.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      out += text[i + 1] ?? '';
      i++;
    } else if (c === '$' && text[i + 1] === "'") {
      const [decoded, end] = ansiC(text, i);
      out += decoded;
      i = end;
    } else if (c === '$' && text[i + 1] === '"') {
      // `$"…"` (a translated string) reads like `"…"`.
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      out += text.slice(i + 1, stop);
      i = stop;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        out += text[j];
        j++;
      }
      i = j;
    } else out += c;
  }
  return out;
}

const C_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** The text of `$'…'` starting at `i` (at the `$`), decoded; and the index of its closing quote. */
export function ansiC(text: string, i: number): [string, number] {
  // The end is found as bash's lexer finds it: a backslash escapes the next character, whatever
  // that escape means when decoded (`$'\c'` ends at its second quote).
  let end = i + 2;
  while (end < text.length && text[end] !== "'") end += text[end] === '\\' ? 2 : 1;
  if (end > text.length) end = text.length;
  const body = text.slice(i + 2, end);
  let out = '';
  let j = 0;
  while (j < body.length) {
    const c = body[j] as string;
    if (c !== '\\' || j + 1 >= body.length) {
      out += c;
      j++;
      continue;
    }
    const e = body[j + 1] as string;
    let m: RegExpMatchArray | null;
    if (Object.hasOwn(C_ESCAPES, e)) {
      out += C_ESCAPES[e];
      j += 2;
    } else if ((m = /^[0-7]{1,3}/.exec(body.slice(j + 1, j + 4)))) {
      out += String.fromCharCode(Number.parseInt(m[0], 8) & 0xff);
      j += 1 + m[0].length;
    } else if (e === 'x' && (m = /^[0-9a-fA-F]{1,2}/.exec(body.slice(j + 2, j + 4)))) {
      out += String.fromCharCode(Number.parseInt(m[0], 16));
      j += 2 + m[0].length;
    } else if ((e === 'u' || e === 'U') && (m = new RegExp(`^[0-9a-fA-F]{1,${e === 'u' ? 4 : 8}}`).exec(body.slice(j + 2, j + 10)))) {
      const code = Number.parseInt(m[0], 16);
      out += code <= 0x10ffff ? String.fromCodePoint(code) : '';
      j += 2 + m[0].length;
    } else if (e === 'c') {
      if (j + 2 < body.length) out += String.fromCharCode((body.charCodeAt(j + 2) & 0x1f) >>> 0);
      j += 3;
    } else {
      out += `\\${e}`;
      j += 2;
    }
  }
  return [out, end];
}

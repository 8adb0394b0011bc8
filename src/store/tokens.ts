/**
 * The named decision tokens (`tokens.json` in cco's config folder): for each person a name, when
 * the token was made, its limits and the SHA-256 of the token. The token itself is printed once by
 * `cco token add` and never stored. Written whole (mode 0600, renamed over the file) under a lock,
 * as the settings file is; a broken file is reported, never overwritten.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { UserError } from '../core/errors.js';
import { PERSON_NAME_RE, personNameProblem, type TokenLimits, type TokenLookup } from '../core/people.js';
import { lockFile } from './file-lock.js';
import { jsonPosition, writeWhole } from './settings.js';

export interface NamedToken {
  name: string;
  /** Hex SHA-256 of the token. */
  sha256: string;
  /** ISO time it was made. */
  created: string;
  limits: TokenLimits;
}

interface TokensFile {
  version: 1;
  tokens: NamedToken[];
}

/** Most tokens a file may hold: a team, not a registry. */
export const MAX_TOKENS = 256;

/** The hex SHA-256 of a presented token: what the file holds and what a lookup compares. */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A new token: 256 random bits, with a prefix that says what it is when found in a script. */
export const newToken = (): string => `cco_${randomBytes(32).toString('base64url')}`;

const HEX64 = /^[0-9a-f]{64}$/;

/** The problem with one entry, or undefined. */
function entryProblem(e: unknown, i: number): string | undefined {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return `tokens[${i}] is not an object`;
  const t = e as Record<string, unknown>;
  if (typeof t.name !== 'string' || !PERSON_NAME_RE.test(t.name)) return `tokens[${i}].name is not a valid name`;
  if (typeof t.sha256 !== 'string' || !HEX64.test(t.sha256)) return `tokens[${i}].sha256 is not 64 hex digits`;
  if (typeof t.created !== 'string' || Number.isNaN(Date.parse(t.created))) return `tokens[${i}].created is not a time`;
  const l = t.limits;
  if (typeof l !== 'object' || l === null || Array.isArray(l)) return `tokens[${i}].limits is not an object`;
  for (const [k, v] of Object.entries(l)) {
    if (k !== 'denyOnly' && k !== 'noAlways') return `tokens[${i}].limits has an unknown limit "${k}"`;
    if (typeof v !== 'boolean') return `tokens[${i}].limits.${k} is not true or false`;
  }
  return undefined;
}

/** The file's tokens, checked; a UserError naming the file and the problem when it is broken. */
export function parseTokens(file: string, text: string): NamedToken[] {
  const broken = (why: string) =>
    new UserError(
      `The tokens file ${file} is invalid: ${why}. Fix it by hand (cco never overwrites a broken file), or move it away and make the tokens again with \`cco token add NAME\`.`,
    );
  if (text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw broken(`it is not valid JSON (${jsonPosition(text, (error as Error).message)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw broken('it is not a JSON object');
  const v = value as Record<string, unknown>;
  if (v.version !== 1) throw broken('its "version" is not 1');
  if (!Array.isArray(v.tokens)) throw broken('"tokens" is not a list');
  if (v.tokens.length > MAX_TOKENS) throw broken(`it holds more than ${MAX_TOKENS} tokens`);
  const names = new Set<string>();
  for (const [i, e] of v.tokens.entries()) {
    const problem = entryProblem(e, i);
    if (problem) throw broken(problem);
    const name = (e as NamedToken).name;
    if (names.has(name)) throw broken(`the name "${name}" appears twice`);
    names.add(name);
  }
  return v.tokens as NamedToken[];
}

export class TokenStore {
  constructor(readonly file: string) {}

  /** The tokens, oldest first. A missing file holds none. */
  list(): NamedToken[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') return [];
      throw new UserError(`Cannot read the tokens file ${this.file} (${e.code ?? e.message}); check its permissions.`, 1, { cause: error });
    }
    return parseTokens(this.file, text);
  }

  /** Make a token for `name`; returns the token (shown once) and what was stored. */
  async add(name: string, limits: TokenLimits, now = Date.now()): Promise<{ token: string; entry: NamedToken }> {
    const problem = personNameProblem(name, localPerson());
    if (problem) throw new UserError(problem);
    const token = newToken();
    const entry: NamedToken = {
      name,
      sha256: tokenHash(token),
      created: new Date(now).toISOString(),
      limits: { ...(limits.denyOnly ? { denyOnly: true } : {}), ...(limits.noAlways ? { noAlways: true } : {}) },
    };
    await this.change((tokens) => {
      if (tokens.some((t) => t.name === name)) {
        throw new UserError(`A token named "${name}" exists already. Revoke it first (\`cco token rm ${name}\`), or pick another name.`);
      }
      if (tokens.length >= MAX_TOKENS) throw new UserError(`There are ${MAX_TOKENS} tokens already; revoke some with \`cco token rm NAME\`.`);
      tokens.push(entry);
    });
    return { token, entry };
  }

  /** Revoke `name`'s token; false when there is none. A running cco refuses it from its next request. */
  async remove(name: string): Promise<boolean> {
    let found = false;
    await this.change((tokens) => {
      const i = tokens.findIndex((t) => t.name === name);
      if (i === -1) return false;
      tokens.splice(i, 1);
      found = true;
      return true;
    });
    return found;
  }

  /** Read, change, write back, under the lock. `change` returning false writes nothing. */
  private async change(change: (tokens: NamedToken[]) => boolean | void): Promise<void> {
    const unlock = await lockFile(this.file);
    try {
      const tokens = this.list();
      if (change(tokens) === false) return;
      const file: TokensFile = { version: 1, tokens };
      try {
        writeWhole(this.file, `${JSON.stringify(file, null, 2)}\n`);
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        throw new UserError(`Cannot write ${this.file} (${e.code ?? e.message}); check the permissions of it and its folder. Nothing was changed.`, 1, {
          cause: error,
        });
      }
    } finally {
      unlock();
    }
  }
}

/**
 * Named tokens as a running server checks them: the file is looked at (stat) on each lookup and
 * read again when it changed (inode, size or mtime: every write renames a new file in), so a
 * revoked token is refused from the next request, without a restart. A broken file refuses every
 * named token until it is fixed (the message says so); the per-start token is not affected.
 * The lookup is by the token's hash, so it does not depend on the secret's characters.
 */
export class TokenBook {
  private key: string | undefined;
  private byHash = new Map<string, NamedToken>();
  private problem: string | undefined;

  constructor(readonly file: string) {}

  lookup(presented: string): TokenLookup {
    this.refresh();
    if (this.problem !== undefined) return { broken: this.problem };
    const entry = this.byHash.get(tokenHash(presented));
    return entry ? { identity: { person: entry.name, limits: entry.limits } } : { unknown: true };
  }

  private refresh(): void {
    let key: string;
    let unsafe: string | undefined;
    try {
      const st = statSync(this.file, { bigint: true });
      key = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.mode}:${st.uid}`;
      // A FIFO or a device would block the read (and the server with it): only a plain file is read.
      unsafe = st.isFile() ? unsafeProblem(this.file, Number(st.mode), Number(st.uid)) : `The tokens file ${this.file} is not a plain file.`;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      key = code === 'ENOENT' ? 'none' : `error:${code}`;
    }
    if (key === this.key) return;
    this.key = key;
    this.byHash = new Map();
    this.problem = undefined;
    if (unsafe !== undefined) {
      this.problem = unsafe;
      return;
    }
    try {
      for (const t of new TokenStore(this.file).list()) this.byHash.set(t.sha256, t);
    } catch (error) {
      this.problem = (error as Error).message;
    }
  }
}

/**
 * Why a tokens file (its target, for a symlink) is not to be trusted, as the start's own-files
 * check says it: it belongs to another user, or group or others may write it (and so add a token).
 */
function unsafeProblem(file: string, mode: number, uid: number, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'win32') return undefined;
  const me = process.getuid?.();
  if (me !== undefined && uid !== me)
    return `The tokens file ${file} belongs to another user (uid ${uid}, cco runs as ${me}). Make it yours (\`chown ${me} ${file}\`).`;
  if (mode & 0o022) {
    return `The tokens file ${file} can be written by ${mode & 0o002 ? 'other users' : 'its group'} (mode ${(mode & 0o777).toString(8)}), so they could add a token. Run \`chmod 600 ${file}\`.`;
  }
  return undefined;
}

/** The person at this machine (the per-start token, the in-process console): the OS user, else "local". */
export function localPerson(): string {
  try {
    const name = userInfo().username;
    return PERSON_NAME_RE.test(name) ? name : 'local';
  } catch {
    return 'local';
  }
}

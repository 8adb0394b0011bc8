/** A token must be long enough not to be guessed, and sendable in an HTTP header. */
export const TOKEN_RE = /^[\x21-\x7e]{16,512}$/;
export const TOKEN_HINT = 'use 16 to 512 printable characters without spaces, e.g. the output of `openssl rand -hex 32`';

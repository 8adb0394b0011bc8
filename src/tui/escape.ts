// The console escapes agent text with the same functions as every CLI output.
export { escapeLine, escapeText, screenLines } from '../core/escape.js';

// The console escapes agent text with the same functions as every CLI output.
export { escapeLine, escapeText } from '../core/escape.js';

/**
 * Text a channel can show safely. Control characters (other than tab, line feed and carriage
 * return) break CMS pages, kiosk screens and signed payloads; a lone UTF-16 surrogate cannot
 * be encoded as UTF-8 at all and would silently become U+FFFD on the wire, so the text
 * published would differ from the text accepted.
 */

// Matching control characters (and U+FFFD) is the point of this pattern.
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** What makes a string unsafe, if anything. */
export function findUnsafeText(value: string): 'control-character' | 'lone-surrogate' | 'invalid-utf8' | undefined {
  if (SUSPECT.test(value)) {
    if (CONTROL.test(value)) return 'control-character';
    // U+FFFD is what a UTF-8 decoder leaves where the bytes were not UTF-8 (protobuf decoding
    // does so silently); a government document never contains it on purpose.
    return 'invalid-utf8';
  }
  if (!(value as WellFormedString).isWellFormed()) return 'lone-surrogate';
  return undefined;
}

/** ES2024's String.prototype.isWellFormed (Node 20 has it; the ES2023 lib does not declare it). */
type WellFormedString = string & { isWellFormed(): boolean };

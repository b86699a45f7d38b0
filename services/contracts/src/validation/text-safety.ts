/**
 * Text a channel can show safely. Control characters (other than tab, line feed and carriage
 * return) break CMS pages, kiosk screens and signed payloads; a lone UTF-16 surrogate cannot
 * be encoded as UTF-8 at all and would silently become U+FFFD on the wire, so the text
 * published would differ from the text accepted.
 */

// Matching control characters is the point of this pattern.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What makes a string unsafe, if anything. */
export function findUnsafeText(value: string): 'control-character' | 'lone-surrogate' | 'invalid-utf8' | undefined {
  if (CONTROL.test(value)) return 'control-character';
  // U+FFFD is what a UTF-8 decoder leaves where the bytes were not UTF-8 (protobuf decoding
  // does so silently); a government document never contains it on purpose.
  if (value.includes('\uFFFD')) return 'invalid-utf8';
  if (LONE_SURROGATE.test(value)) return 'lone-surrogate';
  return undefined;
}

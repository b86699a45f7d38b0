/**
 * Government documents often write digits, letters and `@` in full width (`３７０１０２…`,
 * `ｚｈａｎｇ＠…`); the seed document itself does. Every full-width ASCII form (U+FF01–U+FF5E)
 * and the ideographic space are one UTF-16 unit, like their half-width forms, so folding them
 * keeps every offset: a detector scans the folded text and its offsets still point into the
 * original.
 */
const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/g;
const HAS_FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/;

/** The text with full-width ASCII folded to half width and U+3000 to a space; same length, same offsets. */
export function foldWidth(text: string): string {
  if (!HAS_FULL_WIDTH.test(text)) return text;
  return text.replace(FULL_WIDTH, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

/** The ASCII digits of a string, in order (separators and prefixes dropped). */
export function digitsOf(text: string): string {
  return text.replace(/[^0-9]/g, '');
}

/**
 * Replaces the digits at positions `from` (inclusive) to `to` (exclusive), counted over the
 * digits only, with `*`, keeping separators and every other character where it was.
 */
export function maskDigitRange(raw: string, from: number, to: number): string {
  let index = 0;
  let out = '';
  for (const char of raw) {
    const isDigit = /^[0-9\uFF10-\uFF19]$/.test(char);
    out += isDigit && index >= from && index < to ? '*' : char;
    if (isDigit) index++;
  }
  return out;
}

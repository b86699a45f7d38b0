/**
 * Where in a text the detectors can match at all, found in one pass over its UTF-16 units
 * without building a string, so that the exact rules (regular expressions, check digits) run
 * only over those few stretches instead of each over the whole of a 30 KB body.
 *
 * Each kind of span is cut so that a rule run over the span alone finds exactly what it finds
 * in the whole text: every character a match of the rule can hold, and every character its
 * look-arounds test, is a member of the span's alphabet, and a span runs to the first
 * non-member on either side (which those look-arounds reject just as they reject the start or
 * end of a string). Full-width forms count as the half-width character they fold to.
 */

/** Spans as flat `[start, end, start, end, …]` UTF-16 offsets, `end` exclusive, in text order. */
export interface CandidateSpans {
  /**
   * Runs of digits and the characters numbers are written with (`0-9 X x + - ( )` and the
   * space) holding at least {@link MIN_NUMBER_DIGITS} digits: where an identity number, a bank
   * card or a mobile number can be.
   */
  readonly numbers: readonly number[];
  /** Runs of e-mail characters (`A-Z a-z 0-9 . _ % + - @`) holding an `@`. */
  readonly emails: readonly number[];
  /**
   * Lines (split as a multiline regular expression splits them: `\n`, `\r`, U+2028, U+2029)
   * holding 密, 内, 敏 or 注, one of which every marker word has; without the terminator.
   */
  readonly markerLines: readonly number[];
}

/** The fewest digits any number rule matches: a mobile number's eleven. */
export const MIN_NUMBER_DIGITS = 11;

/** What a UTF-16 unit is to the spans, as bits; full-width forms and U+3000 as what they fold to. */
const NUMBER = 1;
const DIGIT = 2;
const EMAIL = 4;
const AT = 8;
const MARKER = 16;
const LINE_BREAK = 32;

const CLASSES = ((): Uint8Array => {
  const classes = new Uint8Array(0x10000);
  const set = (chars: string, bits: number): void => {
    for (const char of chars) {
      const code = char.charCodeAt(0);
      classes[code] = classes[code]! | bits;
      // Its full-width form (U+FF01–U+FF5E) folds to it; U+3000 to the space.
      if (code > 0x20 && code < 0x7f) classes[code + 0xfee0] = classes[code + 0xfee0]! | bits;
      if (code === 0x20) classes[0x3000] = classes[0x3000]! | bits;
    }
  };
  set('0123456789', NUMBER | DIGIT | EMAIL);
  set(' ()', NUMBER);
  set('+-Xx', NUMBER | EMAIL);
  set('ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwyz._%', EMAIL);
  set('@', EMAIL | AT);
  set('密内敏注', MARKER);
  set('\n\r\u2028\u2029', LINE_BREAK);
  return classes;
})();

/** The spans of `text`; see {@link CandidateSpans}. */
export function candidateSpans(text: string): CandidateSpans {
  const numbers: number[] = [];
  const emails: number[] = [];
  const markerLines: number[] = [];
  let numberStart = -1;
  let digits = 0;
  let emailStart = -1;
  let hasAt = false;
  let lineStart = 0;
  let lineHasMarker = false;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const bits = CLASSES[text.charCodeAt(i)]!;
    // Most of a Chinese text: nothing to any span, and no run open.
    if (bits === 0 && numberStart < 0 && emailStart < 0) continue;
    if ((bits & NUMBER) !== 0) {
      if (numberStart < 0) {
        numberStart = i;
        digits = 0;
      }
      if ((bits & DIGIT) !== 0) digits++;
    } else if (numberStart >= 0) {
      if (digits >= MIN_NUMBER_DIGITS) numbers.push(numberStart, i);
      numberStart = -1;
    }
    if ((bits & EMAIL) !== 0) {
      if (emailStart < 0) {
        emailStart = i;
        hasAt = false;
      }
      if ((bits & AT) !== 0) hasAt = true;
    } else if (emailStart >= 0) {
      if (hasAt) emails.push(emailStart, i);
      emailStart = -1;
    }
    if ((bits & MARKER) !== 0) {
      lineHasMarker = true;
    } else if ((bits & LINE_BREAK) !== 0) {
      if (lineHasMarker) markerLines.push(lineStart, i);
      lineStart = i + 1;
      lineHasMarker = false;
    }
  }
  if (numberStart >= 0 && digits >= MIN_NUMBER_DIGITS) numbers.push(numberStart, length);
  if (emailStart >= 0 && hasAt) emails.push(emailStart, length);
  if (lineHasMarker) markerLines.push(lineStart, length);
  return { numbers, emails, markerLines };
}

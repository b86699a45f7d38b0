/**
 * 索引号 (index number) of a proactively disclosed item: `{issuing body code}/{YYYY}-{serial}`
 * with a five-digit serial, e.g. `11371500004310437T/2025-00012`. The body code is the
 * body's credit code, or the code it uses in index numbers instead.
 */

/** The parts of an index number. */
export interface IndexNumber {
  readonly bodyCode: string;
  readonly year: number;
  readonly serial: number;
}

const INDEX_NUMBER = /^[0-9A-Z][0-9A-Z-]{0,31}\/\d{4}-\d{5}$/;

/** Parses an index number; undefined when it is not in that form or its serial is 00000. */
export function parseIndexNumber(text: string): IndexNumber | undefined {
  const bodyCode = indexNumberBodyCode(text);
  if (bodyCode === undefined) return undefined;
  // The form ends `YYYY-SSSSS`.
  return { bodyCode, year: Number(text.slice(-10, -6)), serial: Number(text.slice(-5)) };
}

/**
 * The issuing body code of an index number {@link parseIndexNumber} accepts, else undefined:
 * for a check that needs no more (the document transcoder), without the year and serial.
 */
export function indexNumberBodyCode(text: string): string | undefined {
  // The serial is the last five characters: 00000 is no serial.
  if (!INDEX_NUMBER.test(text) || text.endsWith('-00000')) return undefined;
  return text.slice(0, text.indexOf('/'));
}

/**
 * 文号 (document number), as GB/T 9704-2012 lays it out: the issuer's code (机关代字), the
 * full year in hexagonal brackets 〔〕, the serial number without padding (1, not 01) and
 * without 第, then 号 — e.g. `聊政办字〔2025〕12号`, `聊政发〔2025〕3号`.
 */

/** The parts of a document number. */
export interface DocumentNumber {
  /** 机关代字, e.g. `聊政办字`. */
  readonly issuerCode: string;
  readonly year: number;
  readonly serial: number;
}

// 机关代字 is Chinese characters only; the common slips — [], (), （）, 第, 012 — all fail here.
const DOCUMENT_NUMBER = /^(\p{Script=Han}+)〔(\d{4})〕([1-9]\d*)号$/u;

/** Parses a document number; undefined when it is not in the standard form. */
export function parseDocumentNumber(text: string): DocumentNumber | undefined {
  const match = DOCUMENT_NUMBER.exec(text);
  if (!match) return undefined;
  const [, issuerCode, year, serial] = match as unknown as [string, string, string, string];
  return { issuerCode, year: Number(year), serial: Number(serial) };
}

/** Whether {@link parseDocumentNumber} accepts the text, without making its parts. */
export function isDocumentNumber(text: string): boolean {
  return DOCUMENT_NUMBER.test(text);
}

/**
 * Types shared by several events. They mirror named Avro types that each schema file
 * declares for itself (schemas stay standalone files any Avro library reads).
 */

/** A calendar date, `YYYY-MM-DD`; the Avro `date` logical type decodes to this. */
export type IsoDate = string;

/** Importance symbols, in schema order. `UNKNOWN` is the reader's fallback and never written. */
export const IMPORTANCES = ['UNKNOWN', 'NORMAL', 'IMPORTANT'] as const;
/** How prominently channels treat an item; IMPORTANT items are reposted across the new-media matrix. */
export type Importance = (typeof IMPORTANCES)[number];

/** The body that issues a publication or handles a request. */
export interface IssuingBody {
  /** Full name, e.g. `聊城市人民政府办公室`. */
  name: string;
  /** 统一社会信用代码 (GB 32100-2015), 18 characters with a check character. */
  creditCode: string;
  /** Code used in index numbers when it is not the credit code; null otherwise. */
  code: string | null;
}

/** A file published with an item (附件). */
export interface Attachment {
  /** File name as readers see it. */
  name: string;
  /** IANA media type without parameters, e.g. `application/pdf`. */
  mediaType: string;
  /** Declared size in bytes. */
  size: number;
  /** SHA-256 of the bytes, 64 lowercase hex characters. */
  sha256: string;
  /** Where the bytes are fetched from. */
  uri: string;
}

/** Administrative region an item concerns. */
export interface Region {
  /** Six-digit division code (行政区划代码), e.g. `371500`. */
  code: string;
  /** e.g. `聊城市`. */
  name: string;
}

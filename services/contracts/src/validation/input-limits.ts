/** Bounds on what one event may carry, so one item cannot exhaust a channel, a broker or a kiosk. */
export const INPUT_LIMITS = Object.freeze({
  /** Title length in characters (Unicode code points). */
  titleMaxChars: 200,
  /** Body size in bytes of UTF-8: 2 MiB. */
  bodyMaxBytes: 2 * 1024 * 1024,
  /** Attachments per item. */
  attachmentsMax: 50,
  /** Declared size of one attachment in bytes: 200 MiB. */
  attachmentMaxBytes: 200 * 1024 * 1024,
});

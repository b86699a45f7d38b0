/**
 * Conservative masking of anything shaped like personal data in free text bound for a log.
 * It masks more than the review gate flags (no checksums here): a log line loses a digit
 * string sooner than it leaks an identity number.
 */
const PATTERNS: readonly RegExp[] = [
  /(?<![0-9])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9])/g, // resident identity number
  /(?<![0-9])1[3-9]\d{9}(?![0-9])/g, // mainland mobile number
  /(?<![0-9])\d{16,19}(?![0-9])/g, // bank card number
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, // e-mail address
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, // bearer tokens quoted in errors
];

export function maskPersonalData(text: string): string {
  let out = text;
  for (const pattern of PATTERNS) out = out.replace(pattern, (m) => (m.startsWith('Bearer') || m.startsWith('bearer') ? 'Bearer [redacted]' : '[masked]'));
  return out;
}

/** E-mail addresses (ASCII local part and domain, as Chinese documents write them, `＠` included). */
import type { DetectorFinding } from './finding';
import { foldWidth } from './text-folding';

const CANDIDATE =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;

/** `z***@example.cn`: the first character of the mailbox and the whole domain stay. */
export function maskEmailAddress(raw: string): string {
  const folded = foldWidth(raw);
  const at = folded.lastIndexOf('@');
  return `${folded.charAt(0)}***${folded.slice(at)}`;
}

/** Every e-mail address in a text. */
export function detectEmailAddresses(text: string): DetectorFinding[] {
  return findEmailAddresses(foldWidth(text));
}

/** The same over text already folded with `foldWidth`. */
export function findEmailAddresses(folded: string): DetectorFinding[] {
  if (!folded.includes('@')) return [];
  const findings: DetectorFinding[] = [];
  for (const match of folded.matchAll(CANDIDATE)) {
    findings.push({
      rule: 'email-address',
      start: match.index,
      end: match.index + match[0].length,
      excerpt: maskEmailAddress(match[0]),
    });
  }
  return findings;
}

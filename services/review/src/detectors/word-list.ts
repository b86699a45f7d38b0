/**
 * Word lists (敏感词表) an office maintains: one global list, and one per issuing body keyed by
 * its unified social credit code (a department may list its own project code names,
 * internal place names, people under protection …). Matching folds full width and letter case.
 */
import { isValidCreditCode } from '@gongkai/contracts';
import { InvalidConfigError } from '../errors';
import type { DetectorFinding } from './finding';
import { foldWidth } from './text-folding';

/** Word lists as configured. */
export interface WordListConfig {
  readonly global?: readonly string[];
  /** Credit code → words, added to the global list for that body's events. */
  readonly byIssuingBody?: Readonly<Record<string, readonly string[]>>;
}

/** The list name of the global list in findings. */
export const GLOBAL_WORD_LIST = 'global';

interface CompiledList {
  readonly name: string;
  readonly pattern: RegExp | undefined;
}

/** Word lists, checked and compiled once at start-up. */
export class WordLists {
  static readonly EMPTY = new WordLists({});

  private readonly global: CompiledList;
  private readonly byIssuingBody = new Map<string, CompiledList>();

  /** @throws InvalidConfigError naming the list and the word that breaks a rule. */
  constructor(config: WordListConfig) {
    this.global = compile(GLOBAL_WORD_LIST, config.global ?? [], 'global');
    for (const [creditCode, words] of Object.entries(config.byIssuingBody ?? {})) {
      if (!isValidCreditCode(creditCode)) {
        throw new InvalidConfigError(`byIssuingBody.${creditCode}`, 'is not a unified social credit code with a correct check character');
      }
      this.byIssuingBody.set(creditCode, compile(creditCode, words, `byIssuingBody.${creditCode}`));
    }
  }

  /** Whether there is any word to look for in a text of this issuing body. */
  hasWords(issuingBody?: string | null): boolean {
    if (this.global.pattern) return true;
    return issuingBody ? this.byIssuingBody.get(issuingBody)?.pattern !== undefined : false;
  }

  /** Every word of the global list, and of the issuing body's list when it has one, in a text. */
  detect(text: string, issuingBody?: string | null): DetectorFinding[] {
    return this.find(foldWidth(text), text, issuingBody);
  }

  /** The same over `folded`, `foldWidth(text)`; excerpts are cut from `text` as written. */
  find(folded: string, text: string, issuingBody?: string | null): DetectorFinding[] {
    const lists = [this.global];
    const own = issuingBody ? this.byIssuingBody.get(issuingBody) : undefined;
    if (own) lists.push(own);
    const findings: DetectorFinding[] = [];
    for (const list of lists) {
      if (!list.pattern) continue;
      for (const match of folded.matchAll(list.pattern)) {
        findings.push({
          rule: 'word-list',
          start: match.index,
          end: match.index + match[0].length,
          excerpt: text.slice(match.index, match.index + match[0].length),
          list: list.name,
        });
      }
    }
    return findings.sort((a, b) => a.start - b.start);
  }
}

function compile(name: string, words: readonly string[], path: string): CompiledList {
  const cleaned = new Set<string>();
  words.forEach((word, i) => {
    if (typeof word !== 'string' || word.trim().length === 0) throw new InvalidConfigError(`${path}[${i}]`, 'must be a non-empty word');
    cleaned.add(foldWidth(word.trim()));
  });
  if (cleaned.size === 0) return { name, pattern: undefined };
  const alternatives = [...cleaned].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return { name, pattern: new RegExp(alternatives.join('|'), 'giu') };
}

/**
 * Reading a YAML configuration file node by node, so that every complaint names the file and
 * the line of the node it is about. Routing and calendar files both go through it.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type Pair } from 'yaml';
import type { ConfigFileError } from './errors';

/** Builds the error a file's reader throws. */
export type ConfigErrorFactory = (file: string, line: number | undefined, reason: string) => ConfigFileError;

/** A key of a mapping with its value node (null when the key has no value). */
export interface Entry {
  readonly key: string;
  readonly keyNode: Node;
  readonly value: Node | null;
}

/** One parsed file and the means to complain about any of its nodes. */
export class YamlConfigReader {
  private constructor(
    readonly file: string,
    readonly root: Node | null,
    private readonly lineCounter: LineCounter,
    private readonly makeError: ConfigErrorFactory,
  ) {}

  /** Parses the text; a syntax error (or a duplicate key) is thrown at once with its line. */
  static parse(text: string, file: string, makeError: ConfigErrorFactory): YamlConfigReader {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) {
      const line = lineCounter.linePos(problem.pos[0]).line;
      throw makeError(file, line, problem.message.split('\n')[0] ?? problem.message);
    }
    return new YamlConfigReader(file, doc.contents, lineCounter, makeError);
  }

  /** 1-based line where a node starts. */
  line(node: Node | null | undefined): number | undefined {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : this.lineCounter.linePos(offset).line;
  }

  /** Throws the file's error for a node (or, when the node is absent, for `fallback`). */
  fail(node: Node | null | undefined, reason: string, fallback?: Node | null): never {
    throw this.makeError(this.file, this.line(node ?? fallback) ?? 1, reason);
  }

  /**
   * The entries of a mapping. Keys outside `allowed` are an error (a typo would otherwise
   * silently widen or narrow a rule); keys in `required` must be present.
   */
  mapping(
    node: Node | null,
    what: string,
    options: { allowed?: readonly string[]; required?: readonly string[]; fallback?: Node | null } = {},
  ): Map<string, Entry> {
    if (!isMap(node)) this.fail(node, `${what} must be a mapping`, options.fallback);
    const entries = new Map<string, Entry>();
    for (const pair of node.items as Pair<Node | null, Node | null>[]) {
      const keyNode = pair.key;
      if (!isScalar(keyNode) || typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number') {
        this.fail(keyNode, `${what}: keys must be plain words`, node);
      }
      const key = String(keyNode.value);
      if (options.allowed && !options.allowed.includes(key)) {
        this.fail(keyNode, `${what}: unknown key \`${key}\` (expected ${options.allowed.map((k) => `\`${k}\``).join(', ')})`);
      }
      entries.set(key, { key, keyNode, value: pair.value });
    }
    for (const key of options.required ?? []) {
      if (!entries.has(key)) this.fail(node, `${what} needs \`${key}\``);
    }
    return entries;
  }

  /** The items of a sequence. */
  sequence(node: Node | null, what: string, fallback?: Node | null): Node[] {
    if (!isSeq(node)) this.fail(node, `${what} must be a list`, fallback);
    return node.items as Node[];
  }

  /** A non-empty string scalar (numbers are taken as written, e.g. a region code `371500`). */
  string(node: Node | null, what: string, fallback?: Node | null): string {
    if (!isScalar(node)) this.fail(node, `${what} must be a string`, fallback);
    const value = node.value;
    if (typeof value === 'number' && node.source !== undefined) return node.source.trim();
    if (typeof value !== 'string' || value.trim() === '') this.fail(node, `${what} must be a non-empty string`, fallback);
    return value.trim();
  }

  /** A non-empty list of non-empty strings, each with its node. */
  stringList(node: Node | null, what: string, fallback?: Node | null): { value: string; node: Node }[] {
    const items = this.sequence(node, what, fallback);
    if (items.length === 0) this.fail(node, `${what} must not be empty`, fallback);
    return items.map((item, i) => ({ value: this.string(item, `${what}[${i}]`, node), node: item }));
  }
}

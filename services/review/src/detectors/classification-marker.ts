/**
 * Classification and restriction markers (密级和保密标志): the state-secret levels 绝密, 机密 and
 * 秘密, 工作秘密, and restriction marks such as 内部, 内部资料, 内部使用, 注意保管 and 敏感.
 *
 * The words themselves occur in ordinary prose — 商业秘密 (a trade secret), 内部控制, 敏感个人信息,
 * or the plan's own "防止泄露国家秘密、工作秘密和敏感信息" — so a word alone is not a hit. A
 * marker is a hit where documents put markings:
 * - a secret level with its star and term: `机密★1年`, `秘密★`, `绝密★启用前`;
 * - after the label 密级: `密级：秘密`;
 * - in brackets: `【内部】`, `（内部资料 注意保管）`;
 * - on a line of its own: `内部使用`, `内部资料 注意保管` (any spacing);
 * - at the head of a text, followed by a space or a separator: a title `机密 关于…`, a file
 *   name `内部资料.pdf`.
 * 秘书 or 秘密 inside 商业秘密 never match: matching is by whole marker words in those positions.
 */
import type { DetectorFinding } from './finding';
import { foldWidth } from './text-folding';

/** Marker words, longest first so `内部资料` wins over `内部`. */
const MARKER_WORDS = ['工作秘密', '内部资料', '内部使用', '内部文件', '内部刊物', '注意保管', '绝密', '机密', '秘密', '内部', '敏感'];
const SECRET_LEVEL = '(?:绝密|机密|秘密)';
/** `★` and a term: `★`, `★1年`, `★6个月`, `★启用前`, `★长期`. Spacing never crosses a line. */
const STAR_TERM = String.raw`[ \t]*[★☆*](?:[ \t]*(?:启用前|长期|[0-9]+[ \t]*(?:年|个月|月)))?`;
const MARKER = `(?:${SECRET_LEVEL}${STAR_TERM}|${MARKER_WORDS.join('|')})`;
/** Markers in a row on one line, as in `内部资料 注意保管` or `内部、注意保管`. */
const MARKER_SEQUENCE = String.raw`${MARKER}(?:[ \t、,，·/]*${MARKER})*`;

const STARRED = new RegExp(`${SECRET_LEVEL}${STAR_TERM}`, 'g');
const LABELLED = new RegExp(String.raw`密[ \t]*级[ \t]*[:：]?[ \t]*${SECRET_LEVEL}(?:${STAR_TERM})?`, 'g');
const BRACKETED = new RegExp(String.raw`[【〔\[(（「『〖][ \t]*${MARKER_SEQUENCE}[ \t]*[】〕\])）」』〗]`, 'g');
/** A line holding nothing but markers; group 1 is the markers without the spacing around them. */
const WHOLE_LINE = new RegExp(String.raw`^[ \t]*(${MARKER_SEQUENCE})[ \t\r]*$`, 'gm');
/** At the head of a text (its first non-blank line): markers, then a space or a separator (`内部控制` has neither). */
const AT_HEAD = new RegExp(String.raw`^\s*(${MARKER_SEQUENCE})(?=[\s:：\-_—.．]|$)`);

const ANY_MARKER_CHARACTER = /[密内敏注]/;
/** The first character of every marker word: where a marker at the head of a text starts. */
const MARKER_WORD_STARTS = new Set(MARKER_WORDS.map((w) => w.charAt(0)));
const NOT_SPACE = /\S/;
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/g;

/** Every classification or restriction marker in a text; the excerpt is the marker as written (it is not personal). */
export function detectClassificationMarkers(text: string): DetectorFinding[] {
  return findClassificationMarkers(foldWidth(text), text);
}

/** The same over `folded`, `foldWidth(text)`; excerpts are cut from `text` as written. */
export function findClassificationMarkers(folded: string, text: string): DetectorFinding[] {
  // Every marker word has one of these characters; most short fields have none.
  if (!ANY_MARKER_CHARACTER.test(folded)) return [];
  const candidates: DetectorFinding[] = [];
  collectCandidates(folded, text, 0, candidates);
  addHead(folded, text, candidates);
  return dropOverlaps(candidates);
}

/**
 * The same as {@link findClassificationMarkers} over `text`, looking only at `lines` (flat
 * `[start, end, …]`, the lines holding a marker character: see `candidateSpans`) and at the
 * head of the text. Every pattern but the head's stays within a line, so this finds exactly
 * what the whole-text scan finds.
 */
export function findClassificationMarkersInLines(text: string, lines: readonly number[]): DetectorFinding[] {
  if (lines.length === 0) return [];
  const candidates: DetectorFinding[] = [];
  for (let k = 0; k < lines.length; k += 2) {
    const start = lines[k]!;
    const line = text.slice(start, lines[k + 1]);
    collectCandidates(foldWidth(line), line, start, candidates);
  }
  // The head pattern may cross blank lines before the first line with text, and looks one
  // character past its markers (a line terminator at most), so it reads up to there.
  // Folding keeps whether a character is a space, and no marker word starts with a full-width form.
  const first = text.search(NOT_SPACE);
  if (first >= 0 && MARKER_WORD_STARTS.has(text.charAt(first))) {
    LINE_TERMINATOR.lastIndex = first;
    const end = LINE_TERMINATOR.exec(text);
    addHead(foldWidth(end ? text.slice(0, end.index + 1) : text), text, candidates);
  }
  return dropOverlaps(candidates);
}

/** Candidates of the patterns that stay within a line, in `folded` (a text or a line of one, starting at `offset`). */
function collectCandidates(folded: string, text: string, offset: number, candidates: DetectorFinding[]): void {
  const add = (start: number, length: number): void => {
    candidates.push({ rule: 'classification-marker', start: offset + start, end: offset + start + length, excerpt: text.slice(start, start + length) });
  };
  for (const pattern of [STARRED, LABELLED, BRACKETED]) {
    for (const match of folded.matchAll(pattern)) add(match.index, match[0].length);
  }
  // Group 1 is the markers; only spacing follows them in a whole-line match, so they end where it ends, trimmed.
  for (const match of folded.matchAll(WHOLE_LINE)) {
    const markers = match[1]!;
    add(match.index + match[0].trimEnd().length - markers.length, markers.length);
  }
}

/** The candidate at the head of `text`, if any; `folded` is the text, or its start up to a line terminator, folded. */
function addHead(folded: string, text: string, candidates: DetectorFinding[]): void {
  const head = AT_HEAD.exec(folded);
  if (!head) return;
  const start = head.index + head[0].length - head[1]!.length;
  candidates.push({ rule: 'classification-marker', start, end: start + head[1]!.length, excerpt: text.slice(start, start + head[1]!.length) });
}

/** One finding per stretch of text: where candidates overlap, the earliest, then the longest, stays. */
function dropOverlaps(candidates: DetectorFinding[]): DetectorFinding[] {
  const sorted = [...candidates].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: DetectorFinding[] = [];
  for (const candidate of sorted) {
    const last = kept[kept.length - 1];
    if (last && candidate.start < last.end) continue;
    kept.push(candidate);
  }
  return kept;
}

/**
 * Routing: which channels and targets (website columns, new-media accounts, kiosk groups, the
 * provincial platform) each released event goes to, from a YAML file read at start-up.
 *
 * ```yaml
 * channels:                       # every target a rule may name, with what it is
 *   website: { zfxxgk/zcwj: 政府信息公开 › 政策文件 }
 *   provincial: { shandong-ysq: 山东省政府信息公开申请平台 }
 * rules:
 *   - name: 政策文件上网站
 *     when:                       # every criterion given must hold
 *       eventTypes: [document.published]
 *       catalogueItems: [ZDGK-01-02]   # codes; a trailing * matches a prefix
 *       issuingBodies: [11371500004310437T]
 *       regions: ['3715*']
 *       importance: [IMPORTANT]
 *     to:
 *       website: [zfxxgk/zcwj]
 * ```
 * An event goes to the union of the targets of every rule it matches. Requests for
 * disclosure go to the provincial platform and nowhere else, and nothing else goes there.
 * A retraction is not routed by rules: it follows the publication to every target it was
 * released to.
 */
import { readFileSync } from 'node:fs';
import {
  CHANNELS,
  IMPORTANCES,
  isChannelName,
  isValidCreditCode,
  type ChannelName,
  type EventDataMap,
  type Importance,
} from '@gongkai/contracts';
import { RoutingConfigError } from './errors';
import { YamlConfigReader } from './yaml-config-reader';

/** One delivery of a routing plan. */
export interface RouteTarget {
  readonly channel: ChannelName;
  readonly target: string;
}

/** Event types that rules route. */
export const ROUTED_EVENT_TYPES = ['document.published', 'interpretation.published', 'procurement.published', 'request.status_changed'] as const;
/** An event type that rules route. */
export type RoutedEventType = (typeof ROUTED_EVENT_TYPES)[number];

/** An event the router plans for: a routed type, or a retraction. */
export type RoutableEvent =
  | { [T in RoutedEventType]: { readonly type: T; readonly data: EventDataMap[T] } }[RoutedEventType]
  | { readonly type: 'publication.retracted'; readonly data: EventDataMap['publication.retracted'] };

/** The criteria of one rule; an absent criterion does not restrict. */
export interface RoutingCriteria {
  readonly eventTypes: readonly RoutedEventType[];
  readonly catalogueItems?: readonly string[];
  readonly issuingBodies?: readonly string[];
  readonly regions?: readonly string[];
  readonly importance?: readonly Importance[];
}

/** One rule: what it matches and where that goes. */
export interface RoutingRule {
  readonly name: string;
  /** Line of the rule in its file, for operators reading a plan. */
  readonly line: number;
  readonly when: RoutingCriteria;
  readonly to: readonly RouteTarget[];
}

/** A checked routing file. */
export interface Routing {
  readonly file: string;
  /** Every declared target per channel, with its description. */
  readonly targets: Readonly<Record<ChannelName, ReadonlyMap<string, string>>>;
  readonly rules: readonly RoutingRule[];
}

type Criterion = Exclude<keyof RoutingCriteria, 'eventTypes'>;

/** Which event types carry what each criterion looks at. */
const CRITERION_TYPES: Readonly<Record<Criterion, readonly RoutedEventType[]>> = {
  catalogueItems: ['document.published'],
  issuingBodies: ['document.published', 'interpretation.published', 'procurement.published', 'request.status_changed'],
  regions: ['document.published', 'interpretation.published', 'procurement.published'],
  importance: ['document.published', 'interpretation.published'],
};
const CRITERIA = Object.keys(CRITERION_TYPES) as Criterion[];
const TARGET_ID = /^[A-Za-z0-9][A-Za-z0-9_./-]*$/;
const REGION_PATTERN = /^(?:\d{6}|\d{1,5}\*)$/;
const CATALOGUE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*\*?$/;
const PUBLIC_IMPORTANCES = IMPORTANCES.filter((i) => i !== 'UNKNOWN');

const fileError = (file: string, line: number | undefined, reason: string): RoutingConfigError => new RoutingConfigError(file, line, reason);

/** Reads and checks a routing file. @throws RoutingConfigError with the file, line and reason. */
export function loadRouting(file: string): Routing {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RoutingConfigError(file, undefined, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, err);
  }
  return parseRouting(text, file);
}

/** Checks routing YAML; `file` names it in errors. @throws RoutingConfigError */
export function parseRouting(text: string, file = '<routing>'): Routing {
  const reader: YamlConfigReader = YamlConfigReader.parse(text, file, fileError);
  const root = reader.mapping(reader.root, 'the routing file', { allowed: ['channels', 'rules'], required: ['channels', 'rules'] });

  const targets = Object.fromEntries(CHANNELS.map((c) => [c, new Map<string, string>()])) as Record<ChannelName, Map<string, string>>;
  const channelsEntry = root.get('channels')!;
  for (const entry of reader.mapping(channelsEntry.value, '`channels`', { fallback: channelsEntry.keyNode }).values()) {
    if (!isChannelName(entry.key)) reader.fail(entry.keyNode, `\`${entry.key}\` is not a channel (${CHANNELS.join(', ')})`);
    for (const target of reader.mapping(entry.value, `channels.${entry.key}`, { fallback: entry.keyNode }).values()) {
      if (!TARGET_ID.test(target.key)) reader.fail(target.keyNode, `target \`${target.key}\` must be letters, digits and _ . / -`);
      targets[entry.key].set(target.key, reader.string(target.value, `channels.${entry.key}.${target.key} (its description)`, target.keyNode));
    }
  }

  const rulesEntry = root.get('rules')!;
  const ruleNodes = reader.sequence(rulesEntry.value, '`rules`', rulesEntry.keyNode);
  if (ruleNodes.length === 0) reader.fail(rulesEntry.keyNode, '`rules` must not be empty');
  const names = new Map<string, number | undefined>();
  const rules = ruleNodes.map((node, i): RoutingRule => {
    const rule = reader.mapping(node, `rule #${i + 1}`, { allowed: ['name', 'when', 'to'], required: ['name', 'when', 'to'] });
    const name = reader.string(rule.get('name')!.value, `rule #${i + 1}: \`name\``, node);
    const what = `rule '${name}'`;
    if (names.has(name)) reader.fail(rule.get('name')!.value, `${what}: the name is already used on line ${names.get(name)}`);
    names.set(name, reader.line(node));

    const whenEntry = rule.get('when')!;
    const when = reader.mapping(whenEntry.value, `${what}: \`when\``, { allowed: ['eventTypes', ...CRITERIA], required: ['eventTypes'], fallback: whenEntry.keyNode });
    const typesEntry = when.get('eventTypes')!;
    const eventTypes = reader.stringList(typesEntry.value, `${what}: eventTypes`, typesEntry.keyNode).map(({ value, node: typeNode }) => {
      if (value === 'publication.retracted') {
        reader.fail(typeNode, `${what}: retractions are not routed by rules; they go to every target the publication was released to`);
      }
      if (!(ROUTED_EVENT_TYPES as readonly string[]).includes(value)) {
        reader.fail(typeNode, `${what}: \`${value}\` is not a routed event type (${ROUTED_EVENT_TYPES.join(', ')})`);
      }
      return value as RoutedEventType;
    });

    const criteria: { -readonly [K in keyof RoutingCriteria]: RoutingCriteria[K] } = { eventTypes };
    for (const criterion of CRITERIA) {
      const entry = when.get(criterion);
      if (!entry) continue;
      const lacking = eventTypes.filter((t) => !CRITERION_TYPES[criterion].includes(t));
      if (lacking.length > 0) reader.fail(entry.keyNode, `${what}: ${lacking.join(', ')} events have nothing \`${criterion}\` can match`);
      const values = reader.stringList(entry.value, `${what}: ${criterion}`, entry.keyNode);
      for (const { value, node: valueNode } of values) {
        const problem = criterionProblem(criterion, value);
        if (problem) reader.fail(valueNode, `${what}: ${criterion}: \`${value}\` ${problem}`);
      }
      (criteria as Record<Criterion, readonly string[]>)[criterion] = values.map((v) => v.value);
    }

    const toEntry = rule.get('to')!;
    const to: RouteTarget[] = [];
    const toMap = reader.mapping(toEntry.value, `${what}: \`to\``, { fallback: toEntry.keyNode });
    if (toMap.size === 0) reader.fail(toEntry.keyNode, `${what}: \`to\` names no channel`);
    for (const entry of toMap.values()) {
      const channel = entry.key;
      if (!isChannelName(channel)) reader.fail(entry.keyNode, `${what}: \`${channel}\` is not a channel (${CHANNELS.join(', ')})`);
      const forRequests = eventTypes.includes('request.status_changed');
      if (channel === 'provincial' && (!forRequests || eventTypes.length > 1)) {
        reader.fail(entry.keyNode, `${what}: only request.status_changed events go to the provincial platform`);
      }
      if (channel !== 'provincial' && forRequests) {
        reader.fail(entry.keyNode, `${what}: request.status_changed events go only to the provincial platform, not to ${channel}`);
      }
      for (const { value: target, node: targetNode } of reader.stringList(entry.value, `${what}: to.${channel}`, entry.keyNode)) {
        if (!targets[channel].has(target)) reader.fail(targetNode, `${what}: \`${target}\` is not declared under channels.${channel}`);
        to.push({ channel, target });
      }
    }
    return { name, line: reader.line(node) ?? 1, when: Object.freeze(criteria), to: Object.freeze(to) };
  });

  return Object.freeze({ file, targets: Object.freeze(targets), rules: Object.freeze(rules) });
}

function criterionProblem(criterion: Criterion, value: string): string | undefined {
  switch (criterion) {
    case 'catalogueItems':
      return CATALOGUE_PATTERN.test(value) ? undefined : 'is not a catalogue item code (letters, digits, - . _, optionally ending in *)';
    case 'issuingBodies':
      return isValidCreditCode(value) ? undefined : 'is not a unified social credit code with a correct check character';
    case 'regions':
      return REGION_PATTERN.test(value) ? undefined : 'is not a six-digit region code or a prefix ending in *';
    case 'importance':
      return (PUBLIC_IMPORTANCES as readonly string[]).includes(value) ? undefined : `is not an importance (${PUBLIC_IMPORTANCES.join(', ')})`;
  }
}

/** What the criteria look at in an event; absent when the event has no such thing. */
interface RouteFacts {
  readonly catalogueItem?: string;
  readonly issuingBody?: string | null;
  readonly region?: string;
  readonly importance?: Importance;
}

function factsOf(event: Exclude<RoutableEvent, { type: 'publication.retracted' }>): RouteFacts {
  switch (event.type) {
    case 'document.published':
      return {
        catalogueItem: event.data.catalogueItem.code,
        issuingBody: event.data.issuingBody.creditCode,
        region: event.data.region.code,
        importance: event.data.importance,
      };
    case 'interpretation.published':
      return { issuingBody: event.data.issuingBody.creditCode, region: event.data.region.code, importance: event.data.importance };
    case 'procurement.published':
      return { issuingBody: event.data.purchaser.creditCode, region: event.data.region.code };
    case 'request.status_changed':
      return { issuingBody: event.data.handlingBody.creditCode };
  }
}

function matchesCode(patterns: readonly string[] | undefined, value: string | null | undefined): boolean {
  if (patterns === undefined) return true;
  if (value === undefined || value === null) return false;
  return patterns.some((p) => (p.endsWith('*') ? value.startsWith(p.slice(0, -1)) : value === p));
}

/** Whether a rule's criteria all hold for an event. */
export function ruleMatches(rule: RoutingRule, event: Exclude<RoutableEvent, { type: 'publication.retracted' }>): boolean {
  const { when } = rule;
  if (!when.eventTypes.includes(event.type)) return false;
  const facts = factsOf(event);
  return (
    matchesCode(when.catalogueItems, facts.catalogueItem) &&
    matchesCode(when.issuingBodies, facts.issuingBody) &&
    matchesCode(when.regions, facts.region) &&
    (when.importance === undefined || (facts.importance !== undefined && when.importance.includes(facts.importance)))
  );
}

function unique(targets: Iterable<RouteTarget>): RouteTarget[] {
  const seen = new Set<string>();
  const out: RouteTarget[] = [];
  for (const t of targets) {
    const key = `${t.channel}\u0000${t.target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ channel: t.channel, target: t.target });
  }
  return out;
}

/**
 * The routing plan of an event: every target of every rule it matches, once each, in the
 * order of the file. A request goes to provincial targets only, anything else never to one.
 *
 * A retraction goes to `released`, the targets its publication was released to; when the
 * hub no longer knows them it goes to every public target (a retraction of an item a target
 * never got is a no-op there, a missed one leaves the item showing).
 */
export function planRoute(event: RoutableEvent, routing: Routing, released?: readonly RouteTarget[]): RouteTarget[] {
  if (event.type === 'publication.retracted') {
    if (released !== undefined) return unique(released).filter((t) => t.channel !== 'provincial');
    return unique(
      CHANNELS.filter((c) => c !== 'provincial').flatMap((channel) => [...routing.targets[channel].keys()].map((target) => ({ channel, target }))),
    );
  }
  const forRequests = event.type === 'request.status_changed';
  return unique(routing.rules.filter((rule) => ruleMatches(rule, event)).flatMap((rule) => rule.to)).filter(
    (t) => (t.channel === 'provincial') === forRequests,
  );
}

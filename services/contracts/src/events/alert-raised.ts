/** Alert kinds, in schema order. */
export const ALERT_KINDS = [
  'UNKNOWN',
  'ITEM_HELD',
  'CLASSIFIED_CONTENT',
  'HOLD_OVERDUE',
  'DEADLINE_AT_RISK',
  'DEADLINE_MISSED',
  'DEAD_LETTERED',
  'INTERPRETATION_MISSING',
] as const;
/** What an alert is about. */
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Alert severities, in schema order. */
export const ALERT_SEVERITIES = ['UNKNOWN', 'INFO', 'WARNING', 'CRITICAL'] as const;
/** How urgent an alert is. */
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** Data of `alert.raised`: something an operator must look at. */
export interface AlertRaised {
  alertId: string;
  kind: AlertKind;
  severity: AlertSeverity;
  /** Publication or request id; null for alerts about the hub itself. */
  subject: string | null;
  channel: string | null;
  summary: string;
  raisedAt: Date;
  attributes: Record<string, string>;
}

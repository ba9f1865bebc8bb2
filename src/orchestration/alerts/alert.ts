/**
 * An alert for the people who run momentic: what happened (`kind`, `title`, `text`), how urgent
 * (`severity`), the facts an operator acts on (`fields`), and a key under which repeats of the
 * same alert are recognised (`dedupeKey`). Channels (log, webhook, email) render it; the Notifier
 * routes, deduplicates and rate-limits it (notifier.ts).
 */
import { ALERT_SEVERITIES } from '../../config/schema.js';

export { ALERT_SEVERITIES };
export type Severity = (typeof ALERT_SEVERITIES)[number];

/** What an alert is about; `alerts_dropped` reports what a channel's rate limit held back. */
export const ALERT_KINDS = [
  'kill_switch',
  'session_failed',
  'pipeline_failed',
  'reconcile_mismatch',
  'restart',
  'gate_failed',
  'alerts_dropped',
  'test',
  'watchdog',
  'supervisor',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type FieldValue = string | number | boolean;

export interface Alert {
  readonly severity: Severity;
  readonly kind: AlertKind;
  /** One line, e.g. `kill switch HALTED in live session 01J...`. */
  readonly title: string;
  /** What happened and what to do, in a few sentences. */
  readonly text: string;
  /** Facts shown as name/value pairs (session, mode, reason, ...), in this order. */
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** Alerts with the same key within `alerts.dedupe_seconds` are sent once. */
  readonly dedupeKey: string;
  /** When it happened (epoch ms), on the clock of what raised it (a replay's bar time). */
  readonly ts: number;
}

export interface AlertInput {
  readonly severity: Severity;
  readonly kind: AlertKind;
  readonly title: string;
  readonly text?: string;
  readonly fields?: Readonly<Record<string, FieldValue | undefined>>;
  /** Default: the kind and the title (the same event told the same way is a repeat). */
  readonly dedupeKey?: string;
  readonly ts?: number;
}

/** An Alert from its parts; fields without a value are left out. */
export function makeAlert(input: AlertInput, now: () => number = Date.now): Alert {
  const fields: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(input.fields ?? {})) if (v !== undefined) fields[k] = v;
  return {
    severity: input.severity,
    kind: input.kind,
    title: input.title,
    text: input.text ?? '',
    fields,
    dedupeKey: input.dedupeKey ?? `${input.kind}:${input.title}`,
    ts: input.ts !== undefined && Number.isFinite(input.ts) ? input.ts : now(),
  };
}

const RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

/** True when `severity` is `min` or above it. */
export function isAtLeast(severity: Severity, min: Severity): boolean {
  return RANK[severity] >= RANK[min];
}

/** The more urgent of two severities. */
export function higher(a: Severity, b: Severity): Severity {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The alert's time as ISO-8601 UTC (an invalid time is shown as such, never thrown). */
export function isoTime(ts: number): string {
  return Number.isFinite(ts) ? new Date(ts).toISOString() : String(ts);
}

/** The alert as plain text: the email body and the webhook's fallback text. */
export function plainText(a: Alert): string {
  const lines = [`[${a.severity.toUpperCase()}] ${a.title}`];
  if (a.text !== '') lines.push('', a.text);
  const names = Object.keys(a.fields);
  if (names.length > 0) {
    lines.push('');
    for (const k of names) lines.push(`${k}: ${String(a.fields[k])}`);
  }
  lines.push('', `kind: ${a.kind}, at ${isoTime(a.ts)}`);
  return lines.join('\n');
}

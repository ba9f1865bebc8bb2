/**
 * What a channel's rate limit held back is counted, never silently lost: the tally rides on the
 * next alert the channel sends (a field and a closing line), or, at the end of the run, goes out
 * as an alert of its own (`alerts_dropped`). Repeats the dedupe window swallowed are told the
 * same way on the alert that ends the window.
 */
import { higher, isoTime, makeAlert, type Alert, type AlertKind, type Severity } from './alert.js';

export interface DropTally {
  readonly count: number;
  /** Wall time of the first alert held back. */
  readonly since: number;
  readonly worst: Severity;
  /** Alerts held back per kind, most first. */
  readonly kinds: readonly (readonly [AlertKind, number])[];
}

export class DroppedAlerts {
  #count = 0;
  #since = 0;
  #worst: Severity = 'info';
  readonly #kinds = new Map<AlertKind, number>();

  get count(): number {
    return this.#count;
  }

  add(alert: Alert, now: number): void {
    if (this.#count === 0) {
      this.#since = now;
      this.#worst = alert.severity;
    }
    this.#count++;
    this.#worst = higher(this.#worst, alert.severity);
    this.#kinds.set(alert.kind, (this.#kinds.get(alert.kind) ?? 0) + 1);
  }

  /** The tally so far, emptied; undefined when nothing was held back. */
  take(): DropTally | undefined {
    if (this.#count === 0) return undefined;
    const tally: DropTally = {
      count: this.#count,
      since: this.#since,
      worst: this.#worst,
      kinds: [...this.#kinds].sort((a, b) => b[1] - a[1]),
    };
    this.#count = 0;
    this.#kinds.clear();
    return tally;
  }
}

/** `7 earlier alerts were not sent on webhook (rate limit) since ...: 5 gate_failed, 2 restart`. */
export function describeDrops(t: DropTally, channel: string): string {
  const kinds = t.kinds.map(([k, n]) => `${n} ${k}`).join(', ');
  const what = t.count === 1 ? '1 earlier alert was' : `${t.count} earlier alerts were`;
  return `${what} not sent on ${channel} (rate limit) since ${isoTime(t.since)}: ${kinds}`;
}

/** The alert with the tally of what was held back before it. */
export function withDrops(a: Alert, t: DropTally, channel: string): Alert {
  const line = describeDrops(t, channel);
  return {
    ...a,
    text: a.text === '' ? line : `${a.text}\n\n${line}`,
    fields: { ...a.fields, not_sent: `${t.count} (rate limit)` },
  };
}

/** The alert that reports held-back alerts when no other alert came to carry the tally. */
export function dropsAlert(t: DropTally, channel: string, now: number): Alert {
  return makeAlert({
    severity: t.worst,
    kind: 'alerts_dropped',
    title: `${t.count} alert${t.count === 1 ? '' : 's'} not sent on ${channel} (rate limit)`,
    text: `${describeDrops(t, channel)}.`,
    fields: { channel, not_sent: t.count, since: isoTime(t.since) },
    ts: now,
  });
}

/** The alert with the count of its repeats the dedupe window swallowed since it was last sent. */
export function withRepeats(a: Alert, repeats: number, since: number): Alert {
  const line = `Repeated ${repeats} time${repeats === 1 ? '' : 's'} since ${isoTime(since)} (sent once per alerts.dedupe_seconds).`;
  return {
    ...a,
    text: a.text === '' ? line : `${a.text}\n\n${line}`,
    fields: { ...a.fields, repeats },
  };
}

/**
 * Times of a schedule written in market time: an instant relative to a session's open or close
 * (`pre_open: -60m`, `open`, `close: -15m`, `post_close: +30m`), a cron line in a zone, or an
 * interval. Parsing returns the value or what is wrong with it and how to write it, so that the
 * schedule file's errors name the key and the fix.
 */
import { Cron } from 'croner';
import { DURATION_EXAMPLES, durationMs } from '../../core/duration.js';
import { isValidZone } from '../../core/zones.js';

/** The four names of a session-relative time; `pre_open` and `post_close` only say the sign. */
export const SESSION_ANCHORS = ['pre_open', 'open', 'close', 'post_close'] as const;
export type SessionAnchor = (typeof SESSION_ANCHORS)[number];

/** An instant `offsetMs` after (before, when negative) the open or the close of a session. */
export interface SessionTime {
  readonly kind: 'session';
  readonly anchor: 'open' | 'close';
  readonly offsetMs: number;
  /** As written, for output: `pre_open -60m`, `close`. */
  readonly text: string;
}

export interface CronTime {
  readonly kind: 'cron';
  readonly pattern: string;
  readonly zone: string;
}

/** Every `everyMs` from the open while the session lasts, or around the clock (UTC-aligned). */
export interface IntervalTime {
  readonly kind: 'every';
  readonly everyMs: number;
  readonly within: 'session' | 'always';
}

export type JobTime = SessionTime | CronTime | IntervalTime;

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: Problem };

export interface Problem {
  readonly message: string;
  readonly hint: string;
}

const bad = (message: string, hint: string): { ok: false; problem: Problem } => ({
  ok: false,
  problem: { message, hint },
});

/** Offsets reach at most a day from the anchor: the planner looks two days around a session. */
export const MAX_OFFSET_MS = 86_400_000;
/** The shortest interval: a job a second is already more than a child process a run can keep up with. */
export const MIN_INTERVAL_MS = 1_000;

const SIGNED = /^([+-])\s*(.+)$/;

/**
 * A signed offset: `+30m`, `-1h30m`, or `0`. The sign is required so that `close: 15m` cannot be
 * read as either side of the close.
 */
export function parseOffset(value: unknown, anchor: SessionAnchor): Parsed<number> {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  const example = anchor === 'pre_open' ? '-60m' : anchor === 'post_close' ? '+30m' : '-15m or +5m';
  if (text === undefined || text === '') {
    return bad(`${anchor} needs an offset, not ${JSON.stringify(value)}`, `write ${anchor}: ${example}`);
  }
  if (text === '0') return { ok: true, value: 0 };
  const m = SIGNED.exec(text);
  if (m === null) {
    const size = durationMs(text);
    return bad(
      `${anchor}: ${text} has no sign`,
      size === undefined
        ? `write a signed duration, e.g. ${anchor}: ${example} (durations: ${DURATION_EXAMPLES})`
        : `write ${anchor}: -${text} (before) or ${anchor}: +${text} (after)`,
    );
  }
  const size = durationMs(m[2] as string);
  if (size === undefined) {
    return bad(
      `${anchor}: ${text} is not a signed duration`,
      `write e.g. ${anchor}: ${example} (durations: ${DURATION_EXAMPLES})`,
    );
  }
  if (size > MAX_OFFSET_MS) {
    return bad(
      `${anchor}: ${text} is more than a day from the ${anchor.includes('open') ? 'open' : 'close'}`,
      'keep offsets within 24h; use a cron line for other times of day',
    );
  }
  return { ok: true, value: m[1] === '-' ? -size : size };
}

/** `open`, `close`, `{ pre_open: -60m }`, `{ close: -15m }`, `{ post_close: +30m }`. */
export function parseSessionTime(anchor: SessionAnchor, offset: unknown): Parsed<SessionTime> {
  if (offset === undefined && (anchor === 'open' || anchor === 'close')) {
    return { ok: true, value: { kind: 'session', anchor, offsetMs: 0, text: anchor } };
  }
  if (offset === undefined) {
    return bad(
      `${anchor} needs an offset`,
      `write when: { ${anchor}: ${anchor === 'pre_open' ? '-60m' : '+30m'} }, or when: ${anchor === 'pre_open' ? 'open' : 'close'}`,
    );
  }
  const o = parseOffset(offset, anchor);
  if (!o.ok) return o;
  const text = `${anchor} ${String(offset).trim()}`;
  if (anchor === 'pre_open' && o.value >= 0) {
    const size = String(offset).trim().replace(/^\+/, '');
    return bad(
      `pre_open ${String(offset).trim()} is not before the open`,
      `write pre_open: -${size} (before the open), or open: +${size}`,
    );
  }
  if (anchor === 'post_close' && o.value <= 0) {
    const size = String(offset).trim().replace(/^-/, '');
    return bad(
      `post_close ${String(offset).trim()} is not after the close`,
      `write post_close: +${size} (after the close), or close: -${size}`,
    );
  }
  const base = anchor === 'pre_open' || anchor === 'open' ? 'open' : 'close';
  return { ok: true, value: { kind: 'session', anchor: base, offsetMs: o.value, text } };
}

export function parseCron(pattern: unknown, zone: unknown, defaultZone: string): Parsed<CronTime> {
  if (typeof pattern !== 'string' || pattern.trim() === '') {
    return bad('cron needs a cron line', "write cron: '30 8 * * 1-5' (minute hour day month weekday)");
  }
  const z = zone === undefined ? defaultZone : zone;
  if (typeof z !== 'string' || !isValidZone(z)) {
    return bad(`zone ${JSON.stringify(z)} is not an IANA time zone`, 'write e.g. zone: America/New_York or zone: UTC');
  }
  try {
    new Cron(pattern.trim(), { timezone: z, paused: true, mode: '5-or-6-parts' });
  } catch (e) {
    return bad(
      `cron '${pattern}' is not a cron line: ${(e as Error).message.replace(/^CronPattern: /, '')}`,
      "write five fields (minute hour day month weekday), e.g. '30 8 * * 1-5'",
    );
  }
  return { ok: true, value: { kind: 'cron', pattern: pattern.trim(), zone: z } };
}

export function parseInterval(every: unknown, within: unknown): Parsed<IntervalTime> {
  const ms = typeof every === 'string' ? durationMs(every) : undefined;
  if (ms === undefined) {
    return bad(
      `every ${JSON.stringify(every)} is not a duration`,
      `write e.g. every: 15m (durations: ${DURATION_EXAMPLES})`,
    );
  }
  if (ms < MIN_INTERVAL_MS) return bad(`every ${String(every)} is shorter than 1s`, 'write every: 1s or longer');
  const w = within ?? 'session';
  if (w !== 'session' && w !== 'always') {
    return bad(
      `within ${JSON.stringify(w)} is neither session nor always`,
      'write within: session (from the open to the close) or within: always',
    );
  }
  return { ok: true, value: { kind: 'every', everyMs: ms, within: w } };
}

export const WHEN_HINT =
  "write when: open, when: close, when: { pre_open: -60m }, when: { close: -15m }, when: { post_close: +30m }, when: { cron: '0 2 * * *', zone: America/New_York } or when: { every: 15m }";

/** The `when:` of a job: a string anchor or a mapping with one anchor, a cron line or an interval. */
export function parseWhen(value: unknown, defaultZone: string): Parsed<JobTime> {
  if (value === undefined || value === null) return bad('when is missing', WHEN_HINT);
  if (typeof value === 'string') {
    const t = value.trim();
    if ((SESSION_ANCHORS as readonly string[]).includes(t)) return parseSessionTime(t as SessionAnchor, undefined);
    const m = /^(pre_open|open|close|post_close)\s*([+-].*)$/.exec(t);
    if (m !== null)
      return bad(
        `when: ${t} is written as one string`,
        `write when: { ${m[1]}: ${(m[2] as string).replace(/\s+/g, '')} }`,
      );
    return bad(`when: ${JSON.stringify(value)} is not a market time`, WHEN_HINT);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return bad(`when: ${JSON.stringify(value)} is not a market time`, WHEN_HINT);
  }
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v);
  const anchors = keys.filter((k) => (SESSION_ANCHORS as readonly string[]).includes(k));
  if (anchors.length === 1 && keys.length === 1)
    return parseSessionTime(anchors[0] as SessionAnchor, v[anchors[0] as string]);
  if ('cron' in v && keys.every((k) => k === 'cron' || k === 'zone')) return parseCron(v.cron, v.zone, defaultZone);
  if ('every' in v && keys.every((k) => k === 'every' || k === 'within')) return parseInterval(v.every, v.within);
  const known = [...SESSION_ANCHORS, 'cron', 'zone', 'every', 'within'];
  const unknown = keys.find((k) => !known.includes(k));
  if (unknown !== undefined) return bad(`when has an unknown key ${unknown}`, WHEN_HINT);
  return bad(`when mixes ${keys.join(' and ')}`, `give one of them per job; ${WHEN_HINT}`);
}

/** A session time's instant for a session. */
export function sessionInstant(t: SessionTime, session: { readonly open: number; readonly close: number }): number {
  return (t.anchor === 'open' ? session.open : session.close) + t.offsetMs;
}

/** How a job time is shown: `pre_open -60m`, `cron 0 2 * * * America/New_York`, `every 15m (session)`. */
export function describeTime(t: JobTime): string {
  if (t.kind === 'session') return t.text;
  if (t.kind === 'cron') return `cron ${t.pattern} ${t.zone}`;
  return `every ${formatDuration(t.everyMs)}${t.within === 'session' ? ' in session' : ''}`;
}

export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest}ms`);
  return parts.join('');
}

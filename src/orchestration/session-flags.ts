/**
 * The options of a session command read once, before anything is opened: a bad one exits 2
 * naming the flag and how to write it (STYLE.md).
 */
import { isAbsolute, resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { DURATION_EXAMPLES, durationMs } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import type { ReplaySpeed } from './replay-feed.js';

/** Where a session's bars come from: the venue's stream, or a file replayed. */
export type SessionSource = { readonly kind: 'venue' } | { readonly kind: 'replay'; readonly file: string };

export function parseSource(text: string | undefined, cwd: string): SessionSource {
  if (text === undefined) return { kind: 'venue' };
  const m = /^replay:(.+)$/.exec(text.trim());
  if (m === null) {
    throw new UsageError('USAGE_INVALID_OPTION', `--source "${text}" is not a source a session can read`, {
      hint: 'replay a bars file with --source replay:FILE (any layout `momentic data import` reads), or leave --source out to use the venue’s stream',
      context: { flag: '--source', value: text },
    });
  }
  const given = (m[1] as string).trim();
  const file = isAbsolute(given) ? given : resolve(cwd, given);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new UsageError('USAGE_INVALID_OPTION', `--source replay:${given}: no such file (${file})`, {
      hint: 'give the path of a bars file, e.g. --source replay:data/minute-bars.csv',
      context: { flag: '--source', file },
    });
  }
  return { kind: 'replay', file };
}

export function parseSpeed(text: string | undefined, source: SessionSource): ReplaySpeed {
  if (text === undefined) return 1;
  if (source.kind !== 'replay') {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      '--speed paces a replayed file; a venue’s stream comes at its own pace',
      {
        hint: 'add --source replay:FILE, or leave --speed out',
        context: { flag: '--speed', value: text },
      },
    );
  }
  const t = text.trim().toLowerCase();
  if (t === 'max') return 'max';
  const n = Number(t);
  if (t === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError('USAGE_INVALID_OPTION', `--speed "${text}" is neither max nor a number above 0`, {
      hint: 'use --speed max (as fast as the session goes) or a multiple of real time, e.g. --speed 60',
      context: { flag: '--speed', value: text },
    });
  }
  return n;
}

export function parseFor(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = durationMs(text);
  if (ms === undefined) {
    throw new UsageError('USAGE_INVALID_OPTION', `--for "${text}" is not a duration`, {
      hint: `write a duration such as ${DURATION_EXAMPLES}`,
      context: { flag: '--for', value: text },
    });
  }
  return ms;
}

/** `--until`: an ISO-8601 instant with a time and a zone (`2026-12-07T21:00:00Z`), in the future. */
export function parseUntil(text: string | undefined, now: number): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  const ms = /T\d{2}:\d{2}/.test(t) && /(Z|[+-]\d{2}:?\d{2})$/.test(t) ? Date.parse(t) : NaN;
  if (!Number.isFinite(ms)) {
    throw new UsageError('USAGE_INVALID_OPTION', `--until "${text}" is not an ISO-8601 time with a zone`, {
      hint: 'e.g. --until 2026-12-07T21:00:00Z or --until 2026-12-07T16:00:00-05:00',
      context: { flag: '--until', value: text },
    });
  }
  if (ms <= now) {
    throw new UsageError('USAGE_INVALID_OPTION', `--until ${text} has already passed`, {
      hint: `give a later time (now is ${new Date(now).toISOString()}), or use --for DURATION`,
      context: { flag: '--until', value: text },
    });
  }
  return ms;
}

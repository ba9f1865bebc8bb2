/**
 * Durations as people write them in run files and flags (`90s`, `5m`, `2h`, `1d`, `500ms`, or
 * several parts: `1h30m`), as epoch-ms spans. One spelling for `--for` and the `live:` section.
 */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/** Milliseconds of a duration text; undefined when it is not one (or is zero). */
export function durationMs(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < t.length) {
    const start = PART.lastIndex;
    const m = PART.exec(t);
    if (m === null || m.index !== start) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  }
  return total > 0 && Number.isFinite(total) ? Math.round(total) : undefined;
}

export const DURATION_EXAMPLES = '90s, 5m, 2h, 1h30m or 500ms';

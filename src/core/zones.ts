import { DateTime } from 'luxon';

const MS_PER_HOUR = 3_600_000;
const cache = new Map<string, Map<number, number>>();

/** UTC offset (ms) of a zone at an instant; cached per UTC hour (offsets change on the hour). */
export function zoneOffsetMs(zone: string, ts: number): number {
  let byHour = cache.get(zone);
  if (byHour === undefined) {
    byHour = new Map();
    cache.set(zone, byHour);
  }
  const hour = Math.floor(ts / MS_PER_HOUR);
  let off = byHour.get(hour);
  if (off === undefined) {
    off = DateTime.fromMillis(hour * MS_PER_HOUR, { zone }).offset * 60_000;
    byHour.set(hour, off);
  }
  return off;
}

/**
 * The instant of a wall-clock time in a zone. For a time skipped by a DST jump the later offset
 * applies; for a repeated hour, the first occurrence.
 */
export function localToUtcMs(zone: string, y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const first = wall - zoneOffsetMs(zone, wall);
  const second = wall - zoneOffsetMs(zone, first);
  return Math.min(first, second);
}

export function isValidZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

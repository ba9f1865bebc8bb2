import type { BarSeries, Bar } from '../core/bar.js';

/** How incoming bars combine with a dataset's rows (raw-store.ts). */
export interface Merge {
  readonly merged: Bar[];
  readonly added: Bar[];
  readonly replaced: Bar[];
  readonly unchanged: number;
  readonly appendOnly: boolean;
}

const sameBar = (a: Bar, b: Bar): boolean =>
  a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && a.volume === b.volume;

export function barsOf(s: BarSeries): Bar[] {
  const out: Bar[] = new Array<Bar>(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.at(i);
  return out;
}

/** Existing rows merged with incoming ones (both ascending); incoming wins on conflicts. */
export function merge(existing: readonly Bar[], incoming: readonly Bar[]): Merge {
  const merged: Bar[] = [];
  const added: Bar[] = [];
  const replaced: Bar[] = [];
  let unchanged = 0;
  let i = 0;
  let j = 0;
  while (i < existing.length || j < incoming.length) {
    const e = existing[i];
    const n = incoming[j];
    if (n === undefined || (e !== undefined && e.ts < n.ts)) {
      merged.push(e as Bar);
      i++;
    } else if (e === undefined || n.ts < e.ts) {
      merged.push(n);
      added.push(n);
      j++;
    } else {
      if (sameBar(e, n)) unchanged++;
      else replaced.push(n);
      merged.push(n);
      i++;
      j++;
    }
  }
  const lastTs = existing.length === 0 ? -Infinity : (existing[existing.length - 1] as Bar).ts;
  return { merged, added, replaced, unchanged, appendOnly: replaced.length === 0 && added.every((b) => b.ts > lastTs) };
}

/**
 * An audit of a CV plan, split by split: which samples (and bars) are tested, trained on, purged
 * and embargoed, each range with the reason it is where it is. Plain data for a renderer (a
 * CLI `--explain`, a report); nothing is printed here.
 */
import { type LabelSpans } from '../labels/spans.js';
import { embargoWindow, type CvPlan, type SampleRange } from './split.js';

export interface ExplainedRange extends SampleRange {
  /** The first bar any label in the range starts on, and the last bar any ends on. */
  readonly firstBar: number;
  readonly lastBar: number;
  readonly reason: string;
}

export interface SplitExplanation {
  readonly split: number;
  readonly testGroups: readonly number[];
  readonly test: readonly ExplainedRange[];
  readonly train: readonly ExplainedRange[];
  readonly purged: readonly ExplainedRange[];
  readonly embargoed: readonly ExplainedRange[];
  /** The embargo windows of this split, in bars (inclusive), each next to a test block. */
  readonly embargoWindows: readonly { readonly fromBar: number; readonly toBar: number; readonly block: SampleRange }[];
}

/** `spans` are the ones the plan was made from. */
export function explainSplits(plan: CvPlan, spans: LabelSpans): SplitExplanation[] {
  const word = (r: SampleRange): string => (r.to - r.from === 1 ? `sample ${r.from}` : `samples ${r.from}-${r.to - 1}`);
  const bars = (a: number, b: number): string => (a === b ? `bar ${a}` : `bars ${a}-${b}`);
  return plan.splits.map((s) => {
    const test = runs(s.test, spans);
    const windows =
      plan.embargoBars === 0
        ? []
        : test
            .map((b) => ({
              ...embargoWindow(spans, b, plan.bars, plan.embargoBars, plan.embargoSide),
              block: { from: b.from, to: b.to },
            }))
            .filter((w) => w.fromBar <= w.toBar);
    const groupText = s.testGroups.length === 1 ? `group ${s.testGroups[0]}` : `groups ${s.testGroups.join(', ')}`;
    return {
      split: s.index,
      testGroups: s.testGroups,
      embargoWindows: windows,
      test: test.map((r) => ({ ...r, reason: `tested: ${groupText} of ${plan.groups.length}` })),
      train: runs(s.train, spans).map((r) => ({
        ...r,
        reason: 'trained on: no label span overlaps a test label or an embargo window',
      })),
      purged: runs(s.purged, spans).map((r) => {
        const hit = test.filter((t) => t.firstBar <= r.lastBar && r.firstBar <= t.lastBar);
        const against = hit.map((t) => `${word(t)} (${bars(t.firstBar, t.lastBar)})`).join(' and ');
        return {
          ...r,
          reason: `purged: their labels span ${bars(r.firstBar, r.lastBar)}, overlapping test ${against}; training on them would read returns the test labels are scored on`,
        };
      }),
      embargoed: runs(s.embargoed, spans).map((r) => {
        const w = windows.filter((x) => x.fromBar <= r.lastBar && r.firstBar <= x.toBar);
        const text = w
          .map((x) => `${bars(x.fromBar, x.toBar)}, ${plan.embargoSide} test ${word(x.block)}`)
          .join(' and ');
        return {
          ...r,
          reason: `embargoed: their labels span ${bars(r.firstBar, r.lastBar)}, inside the ${plan.embargoBars}-bar embargo (${text}); features are serially correlated with the test period`,
        };
      }),
    };
  });
}

/** Consecutive runs of the (ascending) sample indices, with the bars their labels cover. */
function runs(indices: Int32Array, spans: LabelSpans): (SampleRange & { firstBar: number; lastBar: number })[] {
  const out: (SampleRange & { firstBar: number; lastBar: number })[] = [];
  let k = 0;
  while (k < indices.length) {
    const from = indices[k]!;
    let to = from + 1;
    let firstBar = spans.t0[from]!;
    let lastBar = spans.t1[from]!;
    k++;
    while (k < indices.length && indices[k] === to) {
      firstBar = Math.min(firstBar, spans.t0[to]!);
      lastBar = Math.max(lastBar, spans.t1[to]!);
      to++;
      k++;
    }
    out.push({ from, to, firstBar, lastBar });
  }
  return out;
}

/** A signal as `signals.csv` records it (DESIGN.md). */
export interface SignalRecord {
  readonly ts: number;
  readonly strategy: string;
  readonly symbol: string;
  /** `long`, `short` or `flat`. */
  readonly direction: 'long' | 'short' | 'flat';
  readonly targetWeight: number;
  readonly confidence: number;
  /** Free-form, serialised as JSON in the file. */
  readonly meta: Readonly<Record<string, unknown>>;
}

/**
 * Promotion gates (seed 004: Sharpe > 1.0, max drawdown < 10%, at least 100 trades, win rate >
 * 45%; plus DSR >= 0.95 and PBO <= 0.5). A gate is `metric OP value` with OP one of > >= < <=;
 * `--gate sharpe>1.5` replaces the default of that metric, `--gate trades=off` drops it.
 */
import { didYouMean } from '../../core/did-you-mean.js';
import { UsageError } from '../../core/errors.js';

export const GATE_METRICS = [
  'sharpe',
  'max_drawdown',
  'trades',
  'win_rate',
  'dsr',
  'pbo',
  'total_return',
  'cagr',
  'wfe',
] as const;
export type GateMetric = (typeof GATE_METRICS)[number];
type Op = '>' | '>=' | '<' | '<=';

export interface Gate {
  readonly metric: GateMetric;
  readonly op: Op;
  readonly value: number;
}

export interface GateResult extends Gate {
  readonly actual: number | null;
  readonly pass: boolean;
}

/** Seed 004's gates; max_drawdown is a negative fraction, so "< 10%" is max_drawdown > -0.10. */
export const DEFAULT_GATES: readonly Gate[] = [
  { metric: 'sharpe', op: '>', value: 1.0 },
  { metric: 'max_drawdown', op: '>', value: -0.1 },
  { metric: 'trades', op: '>=', value: 100 },
  { metric: 'win_rate', op: '>', value: 0.45 },
  { metric: 'dsr', op: '>=', value: 0.95 },
  { metric: 'pbo', op: '<=', value: 0.5 },
];

const GATE = /^\s*([a-z_]+)\s*(>=|<=|>|<|=)\s*(\S+)\s*$/;

/** Applies `--gate` texts over the defaults. */
export function parseGates(texts: readonly string[], base: readonly Gate[] = DEFAULT_GATES): Gate[] {
  const out = new Map<GateMetric, Gate>(base.map((g) => [g.metric, g]));
  for (const text of texts) {
    const m = GATE.exec(text);
    const bad = (why: string): UsageError =>
      new UsageError('USAGE_INVALID_OPTION', `--gate ${text}: ${why}`, {
        hint: `write metric>value (>, >=, <, <=) or metric=off; metrics: ${GATE_METRICS.join(', ')}`,
        context: { flag: '--gate', value: text },
      });
    if (m === null) throw bad('not metric>value');
    const [, name, op, raw] = m as unknown as [string, string, string, string];
    if (!(GATE_METRICS as readonly string[]).includes(name))
      throw bad(`unknown metric; ${didYouMean(name, GATE_METRICS)}`.trim());
    const metric = name as GateMetric;
    if (op === '=') {
      if (raw !== 'off') throw bad('use =off to drop a gate, or a comparison');
      out.delete(metric);
      continue;
    }
    const value = Number(raw);
    if (!Number.isFinite(value)) throw bad(`${raw} is not a number`);
    out.set(metric, { metric, op: op as Op, value });
  }
  return [...out.values()];
}

export function evaluateGates(
  gates: readonly Gate[],
  values: Readonly<Partial<Record<GateMetric, number | null>>>,
): GateResult[] {
  return gates.map((g) => {
    const actual = values[g.metric] ?? null;
    const a = actual ?? NaN;
    const pass =
      actual !== null &&
      (g.op === '>' ? a > g.value : g.op === '>=' ? a >= g.value : g.op === '<' ? a < g.value : a <= g.value);
    return { ...g, actual, pass };
  });
}

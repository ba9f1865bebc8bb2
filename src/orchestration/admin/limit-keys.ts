/**
 * The risk limits an operator may change on a running node (`momentic admin set-limit KEY
 * VALUE`): the numeric keys of the `risk:` config section, named as there (`max_position`,
 * `kill_switch.max_venue_errors`), each value checked by the same schema that checks the config
 * file. Lists and maps (`restricted`, `symbol_caps`, `strategy_caps`) are changed in the config.
 */
import type { z } from 'zod';
import { configSchema, type Config } from '../../config/schema.js';
import { UsageError } from '../../core/errors.js';

type Risk = Config['risk'];

const RISK = configSchema.shape.risk.shape;
const KILL = RISK.kill_switch.shape;

/** Each settable key and the schema of its value. */
const SETTABLE: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>([
  ['max_daily_drawdown', RISK.max_daily_drawdown],
  ['max_risk_per_trade', RISK.max_risk_per_trade],
  ['max_position', RISK.max_position],
  ['max_gross_intraday', RISK.max_gross_intraday],
  ['max_gross_swing', RISK.max_gross_swing],
  ['max_short_of_gross', RISK.max_short_of_gross],
  ['max_positions', RISK.max_positions],
  ['pause_after_losses', RISK.pause_after_losses],
  ['max_trades_per_day', RISK.max_trades_per_day],
  ['max_order_notional', RISK.max_order_notional],
  ['max_order_qty', RISK.max_order_qty],
  ['price_collar', RISK.price_collar],
  ['max_leverage', RISK.max_leverage],
  ['kill_switch.max_venue_errors', KILL.max_venue_errors],
  ['kill_switch.stale_data_seconds', KILL.stale_data_seconds],
]);

export const SETTABLE_LIMITS: readonly string[] = [...SETTABLE.keys()];

/** A key and its new value, checked. */
export interface LimitChange {
  readonly key: string;
  readonly value: number;
}

/** Reads `set-limit KEY VALUE`: an unknown key or a value out of the key's range is a usage error naming the fix. */
export function parseLimit(key: string, text: string): LimitChange {
  const k = key.trim().replace(/^risk\./, '');
  const schema = SETTABLE.get(k);
  if (schema === undefined) {
    throw new UsageError('USAGE_INVALID_OPTION', `set-limit: ${key} is not a risk limit a running node can change`, {
      hint: `use one of ${SETTABLE_LIMITS.join(', ')} (momentic risk show explains each)`,
      context: { key, value: text },
    });
  }
  const t = text.trim();
  const n = t === '' ? NaN : Number(t);
  const checked = schema.safeParse(n);
  if (!checked.success) {
    const why = checked.error.issues[0]?.message ?? 'out of range';
    throw new UsageError('USAGE_INVALID_OPTION', `set-limit ${k} ${text}: ${why}`, {
      hint: `give ${k} a number in its range, as the risk: section of config/base.yaml documents`,
      context: { key: k, value: text },
    });
  }
  return { key: k, value: checked.data as number };
}

/** The value of a key in a `risk:` section. */
export function limitValue(risk: Risk, key: string): number {
  if (key.startsWith('kill_switch.')) {
    return risk.kill_switch[key.slice('kill_switch.'.length) as keyof Risk['kill_switch']];
  }
  return risk[key as keyof Risk] as number;
}

/** The `risk:` section with one key changed. */
export function withLimit(risk: Risk, change: LimitChange): Risk {
  if (change.key.startsWith('kill_switch.')) {
    const sub = change.key.slice('kill_switch.'.length);
    return { ...risk, kill_switch: { ...risk.kill_switch, [sub]: change.value } };
  }
  return { ...risk, [change.key]: change.value };
}

/**
 * Carry on an account: the borrow fee on short positions and interest on cash, both simple
 * interest per calendar day on the balance held over the day's end (UTC), the way brokers
 * charge them (a short held Friday to Monday pays three days).
 * @see https://www.interactivebrokers.com/en/index.php?f=1595&p=secfinancing
 */

export const MS_PER_DAY = 86_400_000;

/** The UTC calendar day of an epoch-ms time (days since 1970-01-01). */
export function utcDay(ts: number): number {
  return Math.floor(ts / MS_PER_DAY);
}

/** Simple interest on `value` for `days` days at `annualRate` on a `basis`-day year. */
export function accrual(value: number, annualRate: number, days: number, basis: number): number {
  return (value * annualRate * days) / basis;
}

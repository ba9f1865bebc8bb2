/**
 * Runs the check before the open (corporate-action-open.ts) in a paper or live session: at the
 * first timestamp of each new day the session steps, before the strategy sees it. A split
 * rescales the session's history of the symbol and warms its registered indicators again on it,
 * so neither the strategy nor an indicator sees a price step; a halt restricts the symbol. Each
 * decision is logged, recorded as a risk event (the ledger's risk_events) and shown on the risk
 * channel of the broadcast.
 */
import { existsSync } from 'node:fs';
import { tsToDate } from '../core/dates.js';
import { DataError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Engine } from '../engine/engine.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import { readCorporateActions, referenceFiles, type CorporateAction } from '../universe/reference-files.js';
import {
  applyOpen,
  openOrdersOf,
  planOpen,
  type OpenDecision,
  type ReflectedActions,
} from './corporate-action-open.js';
import type { PushBarSource } from './push-bar-source.js';
import type { RiskGate } from './risk-gate.js';

export function describeDecision(d: OpenDecision): string {
  if (d.kind === 'split')
    return (
      `split ${d.ratio} of ${d.symbol}: position ${d.position.from} -> ${d.position.to}, ` +
      `${d.orders.length} open order(s) sent again at prices / ${d.ratio}, ` +
      (d.rewarm
        ? 'indicators warmed again on split-adjusted history'
        : 'history already split-adjusted (not rescaled again)')
    );
  if (d.kind === 'reflected')
    return `${d.action.type} of ${d.symbol} on ${d.action.exDate} already in the session's bars (an adjusted file): nothing applied again`;
  if (d.kind === 'dividend')
    return `dividend ${d.perShare} per share of ${d.symbol}: ${d.cash} in cash credited to the session's book`;
  return `${d.symbol} halted: ${d.reason}`;
}

export function openCheck(o: {
  readonly actions: readonly CorporateAction[];
  readonly symbols: readonly string[];
  readonly portfolio: Portfolio;
  readonly engine: Engine;
  readonly source: PushBarSource;
  readonly risk: RiskGate;
  readonly logger?: Logger;
  /** Each decision's text as it is made (the broadcast's risk channel). */
  readonly notify?: (text: string, ts: number) => void;
  /** Actions the session's bars already carry (session-adjustment.ts); none by default. */
  readonly reflected?: ReflectedActions;
}): (ts: number) => void {
  let day = '';
  const orders = openOrdersOf(o.engine.orders);
  return (ts) => {
    const today = tsToDate(ts);
    if (today === day) return;
    day = today;
    const plan = planOpen({
      day: today,
      symbols: o.symbols,
      actions: o.actions,
      position: (s) => o.portfolio.qty(s),
      orders,
      ...(o.reflected === undefined ? {} : { reflected: o.reflected }),
    });
    if (plan.length === 0) return;
    for (const d of plan) if (d.kind === 'split' && d.rewarm) o.source.splitBefore(d.symbol, ts, d.ratio);
    const rewarm = applyOpen(plan, { portfolio: o.portfolio, orders, risk: o.risk, ts });
    for (const s of rewarm) o.engine.rewarm(s);
    for (const d of plan) {
      const text = describeDecision(d);
      if (d.kind === 'halt')
        o.logger?.warn({ symbol: d.symbol, day: today, reason: d.reason }, 'corporate action: symbol halted');
      else o.logger?.info({ symbol: d.symbol, day: today, action: text }, 'corporate action applied before the open');
      o.risk.manager.note({ ts, kind: 'corporate_action', symbol: d.symbol, reason: text });
      o.notify?.(text, ts);
    }
  };
}

/**
 * The workspace's corporate actions for a session (none without the file). A bad row of a traded
 * symbol stops the session before it starts: trading through an action it cannot read would book
 * a split's price gap as a loss.
 */
export function sessionActions(home: string, symbols: readonly string[]): CorporateAction[] | undefined {
  const file = referenceFiles(home).corporateActions;
  if (!existsSync(file)) return undefined;
  const read = readCorporateActions(file);
  const traded = new Set(symbols);
  const bad = read.rejected.find((r) => traded.has(r.raw.split(',')[0] ?? ''));
  if (bad !== undefined) {
    throw new DataError('DATA_INVALID', `${file}:${bad.line}: ${bad.reason}`, {
      hint: 'fix or delete the row (docs/corporate-actions.md) before the session starts',
      context: { file, line: bad.line },
    });
  }
  return read.records.filter((a) => traded.has(a.symbol));
}

"""
backtrader's side of the whole-process benchmark (bench/whole-process.ts): the run that
`momentic backtest --strategy sma-cross --param fast=1 --param slow=15 --param qty=1` does, on
N data feeds of the same daily file (default 20), in backtrader (mementum/backtrader).

Matching our sma-cross (src/strategies/builtin/ma-cross.ts, docs/strategies/sma-cross.md):
- bars as they are in the file: YahooFinanceCSVData with round=False (its default rounds prices
  to 2 decimals) and adjclose=False (its default scales prices by Adj Close; we import raw OHLC);
- SMA(fast) and SMA(slow) of the close per feed; backtrader's CrossOver keeps the last non-zero
  difference on a tie and needs a previous sign, as our crossover does;
- on an upward cross with no position: buy 1 at market; on a downward cross with a position:
  sell it. Market orders fill at the next bar's open; no commission, no slippage; cash 10,000.

Prints one JSON line: {"final_value", "orders", "bars", "run_s"}.

  BACKTRADER_SRC=/path/to/backtrader python3 bench/peers/backtrader_smacross.py FILE [N] [FAST] [SLOW]
"""
import json
import os
import sys
import time

sys.path.insert(0, os.environ.get("BACKTRADER_SRC", "."))

import backtrader as bt  # noqa: E402


class SmaCross(bt.Strategy):
    params = (("fast", 1), ("slow", 15))

    def __init__(self):
        self.orders = 0
        self.cross = {
            d: bt.ind.CrossOver(bt.ind.SMA(d.close, period=self.p.fast), bt.ind.SMA(d.close, period=self.p.slow))
            for d in self.datas
        }

    def notify_order(self, order):
        if order.status == order.Completed:
            self.orders += 1

    def next(self):
        for d, cross in self.cross.items():
            held = self.getposition(d).size
            if cross[0] > 0 and held == 0:
                self.buy(data=d, size=1)
            elif cross[0] < 0 and held > 0:
                self.sell(data=d, size=held)


def main():
    file = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    fast = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    slow = int(sys.argv[4]) if len(sys.argv) > 4 else 15
    t0 = time.perf_counter()
    cerebro = bt.Cerebro()
    cerebro.broker.setcash(10_000)
    for i in range(n):
        cerebro.adddata(bt.feeds.YahooFinanceCSVData(dataname=file, round=False, adjclose=False), name=f"S{i + 1}")
    cerebro.addstrategy(SmaCross, fast=fast, slow=slow)
    strat = cerebro.run()[0]
    bars = sum(len(d) for d in strat.datas)
    print(
        json.dumps(
            {
                "final_value": cerebro.broker.getvalue(),
                "orders": strat.orders,
                "bars": bars,
                "run_s": time.perf_counter() - t0,
            }
        )
    )


if __name__ == "__main__":
    main()

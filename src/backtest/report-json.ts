import type { ChartData } from './report-data.js';
import type { ReportRecord } from './report-data.js';
import type { CellTexts } from './results-files.js';

/**
 * The report's chart data as JSON, the same text as `JSON.stringify(data)`, with the price
 * columns spelled from the cells prices.csv already formatted (`texts`, by column) where it has
 * them: JSON writes a finite number as String does, and formatNum too (-0 as 0 in both). A
 * column with a non-finite cell (JSON null, an empty or `inf` cell in the CSV) is stringified.
 * Keys in ChartData's and PriceChart's order.
 */
export function chartJson(record: Pick<ReportRecord, 'prices'>, data: ChartData, texts?: CellTexts): string {
  const prices = data.prices.map((p) => {
    const bars = record.prices.get(p.symbol);
    const col = (values: readonly number[], source: ArrayLike<number> | undefined): string => {
      const cells = source === undefined ? undefined : texts?.get(source);
      return cells !== undefined && cells.length === values.length && allFinite(cells)
        ? `[${cells.join(',')}]`
        : JSON.stringify(values);
    };
    return (
      `{"symbol":${JSON.stringify(p.symbol)},"t":${JSON.stringify(p.t)},"o":${col(p.o, bars?.open)},` +
      `"h":${col(p.h, bars?.high)},"l":${col(p.l, bars?.low)},"c":${col(p.c, bars?.close)},` +
      `"markers":${JSON.stringify(p.markers)}}`
    );
  });
  return (
    `{"intraday":${JSON.stringify(data.intraday)},"t":${JSON.stringify(data.t)},` +
    `"equity":${JSON.stringify(data.equity)},"drawdownPct":${JSON.stringify(data.drawdownPct)},` +
    `"rollingSharpe":${JSON.stringify(data.rollingSharpe)},"benchmark":${JSON.stringify(data.benchmark)},` +
    `"prices":[${prices.join(',')}]}`
  );
}

/** No cell of formatNum's for NaN or an infinity (which JSON writes as null). */
function allFinite(cells: readonly string[]): boolean {
  return !cells.includes('') && !cells.includes('inf') && !cells.includes('-inf');
}

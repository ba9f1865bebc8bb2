import { describe, expect, it } from 'vitest';
import { getCalendar } from '../../../src/calendar/registry.js';
import { SyntheticProvider } from '../../../src/venues/synthetic/provider.js';
import { SyntheticReference, syntheticProfiles } from '../../../src/venues/synthetic/reference.js';

const XNYS = getCalendar('XNYS');

describe('SyntheticReference', () => {
  it('draws the same profiles for a seed and different ones for another', () => {
    const a = [...syntheticProfiles(42).values()];
    expect([...syntheticProfiles(42).values()]).toEqual(a);
    const b = [...syntheticProfiles(7).values()];
    expect(b.map((p) => [p.listDate, p.delistDate, p.exchange])).not.toEqual(
      a.map((p) => [p.listDate, p.delistDate, p.exchange]),
    );
  });

  it('lists late and delists inside the bars range on sessions, and has no record before listing', async () => {
    const ref = new SyntheticReference(new SyntheticProvider({ seed: 42 }));
    const profiles = [...syntheticProfiles(42).values()];
    const late = profiles.filter((p) => p.spec.calendar === 'XNYS' && p.listDate !== '2000-01-03');
    const gone = profiles.filter((p) => p.delistDate !== '');
    expect(late).toHaveLength(2);
    expect(gone).toHaveLength(2);
    for (const p of [...late.map((l) => l.listDate), ...gone.map((g) => g.delistDate)])
      expect(XNYS.isTradingDay(p)).toBe(true);
    const lateOne = late[0]!;
    const before = await ref.assets([lateOne.spec.symbol], XNYS.previousSession(lateOne.listDate));
    expect(before.records).toEqual([]);
    const on = await ref.assets([lateOne.spec.symbol], lateOne.listDate);
    expect(on.records[0]).toMatchObject({ status: 'active', listDate: lateOne.listDate });
    const goneOne = gone[0]!;
    const after = await ref.assets([goneOne.spec.symbol], XNYS.nextSession(goneOne.delistDate));
    expect(after.records[0]).toMatchObject({ status: 'inactive', tradable: false, delistDate: goneOne.delistDate });
  });

  it('sizes market cap as shares outstanding times the synthetic close of the day', async () => {
    const bars = new SyntheticProvider({ seed: 42 });
    const ref = new SyntheticReference(bars);
    const day = '2024-06-03';
    const [rec] = (await ref.assets(['ZNTX'], day)).records;
    let close = NaN;
    const ts = Date.UTC(2024, 5, 3);
    for await (const page of bars.fetchBars({ symbol: 'ZNTX', timeframe: '1d', start: ts, end: ts + 86_400_000 })) {
      close = page[0]!.close;
    }
    expect(rec!.marketCap).toBe(Math.round(close * ref.profile('ZNTX').sharesOutstanding));
  });

  it('lists no corporate actions: the synthetic bars have none to adjust for', async () => {
    const ref = new SyntheticReference(new SyntheticProvider({ seed: 42 }));
    const { records } = await ref.corporateActions();
    expect(records).toEqual([]);
  });
});

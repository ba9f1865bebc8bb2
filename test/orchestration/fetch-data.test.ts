import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/core/bar.js';
import { VenueError } from '../../src/core/errors.js';
import { equity } from '../../src/core/instrument.js';
import { getCalendar } from '../../src/calendar/index.js';
import { readManifest } from '../../src/data/manifest.js';
import { dateToTs } from '../../src/data/schema.js';
import { fetchData } from '../../src/orchestration/fetch-data.js';
import { FailoverProvider } from '../../src/venues/failover/provider.js';
import { SyntheticProvider } from '../../src/venues/synthetic/provider.js';
import type { BarRequest, DataProvider } from '../../src/engine/ports.js';
import { tempDir } from '../support/cli.js';

const xnys = getCalendar('XNYS');

/** A provider over a fixed table of daily bars that records its requests; it can fail after n pages. */
class TableProvider implements DataProvider {
  readonly requests: BarRequest[] = [];
  readonly name: string;
  readonly #failAfterPages: number;
  readonly #pageSize: number;
  readonly #priceShift: number;

  constructor(name: string, options: { failAfterPages?: number; pageSize?: number; priceShift?: number } = {}) {
    this.name = name;
    this.#failAfterPages = options.failAfterPages ?? Infinity;
    this.#pageSize = options.pageSize ?? 5;
    this.#priceShift = options.priceShift ?? 0;
  }

  instrument(symbol: string) {
    return equity(symbol);
  }

  bar(symbol: string, date: string, i: number): Bar {
    const p = 100 + i + this.#priceShift;
    return { symbol, ts: dateToTs(date), open: p, high: p + 1, low: p - 1, close: p + 0.5, volume: 1000 + i };
  }

  async *fetchBars(r: BarRequest): AsyncIterable<readonly Bar[]> {
    this.requests.push(r);
    const all = xnys.sessionDates('2024-01-02', '2024-12-31');
    const bars = all.map((d, i) => this.bar(r.symbol, d, i)).filter((b) => b.ts >= r.start && b.ts < r.end);
    let pages = 0;
    for (let i = 0; i < bars.length; i += this.#pageSize) {
      if (pages++ >= this.#failAfterPages)
        throw new VenueError('VENUE_UNAVAILABLE', `${this.name} went down`, { retryable: true });
      yield bars.slice(i, i + this.#pageSize);
    }
  }
}

describe('fetchData', () => {
  it('fetches a range, then only what is missing', async () => {
    const home = tempDir();
    const p = new TableProvider('table');
    const first = await fetchData({
      home,
      provider: p,
      symbols: ['AAA'],
      timeframe: '1d',
      start: '2024-03-01',
      end: '2024-03-28',
      format: 'csv',
    });
    expect(first[0]).toMatchObject({ added: 20, rows: 20, missing: 0, quarantined: 0, servedBy: ['table'] }); // 03-29 is Good Friday
    expect(p.requests).toHaveLength(1);
    const again = await fetchData({
      home,
      provider: p,
      symbols: ['AAA'],
      timeframe: '1d',
      start: '2024-03-01',
      end: '2024-03-28',
      format: 'csv',
    });
    expect(again[0]).toMatchObject({ added: 0, rows: 20, requested: [] });
    expect(p.requests).toHaveLength(1);
    const wider = await fetchData({
      home,
      provider: p,
      symbols: ['AAA'],
      timeframe: '1d',
      start: '2024-02-26',
      end: '2024-04-05',
      format: 'csv',
    });
    // Only the head (02-26..02-29) and the tail (04-01..04-05) are requested.
    expect(wider[0]?.requested).toEqual([
      { from: '2024-02-26', to: '2024-02-29' },
      { from: '2024-04-01', to: '2024-04-05' },
    ]);
    expect(wider[0]).toMatchObject({ added: 9, rows: 29 });
    const lines = readFileSync(join(home, 'data/raw/1d/AAA.csv'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(30);
    expect(new Set(lines).size).toBe(30);
  });

  it('keeps what an interrupted fetch wrote and completes it on rerun without duplicates', async () => {
    const home = tempDir();
    const flaky = new TableProvider('flaky', { failAfterPages: 3 });
    await expect(
      fetchData({
        home,
        provider: flaky,
        symbols: ['AAA'],
        timeframe: '1d',
        start: '2024-01-02',
        end: '2024-03-28',
        format: 'csv',
      }),
    ).rejects.toThrow(/went down/);
    const partial = readFileSync(join(home, 'data/raw/1d/AAA.csv'), 'utf8').trimEnd().split('\n');
    expect(partial).toHaveLength(1 + 15);
    const ok = new TableProvider('flaky');
    const r = await fetchData({
      home,
      provider: ok,
      symbols: ['AAA'],
      timeframe: '1d',
      start: '2024-01-02',
      end: '2024-03-28',
      format: 'csv',
    });
    expect(ok.requests[0]?.start).toBe(dateToTs(xnys.sessionDates('2024-01-02', '2024-03-28')[15] as string));
    const full = readFileSync(join(home, 'data/raw/1d/AAA.csv'), 'utf8').trimEnd().split('\n');
    const reference = tempDir();
    await fetchData({
      home: reference,
      provider: new TableProvider('flaky'),
      symbols: ['AAA'],
      timeframe: '1d',
      start: '2024-01-02',
      end: '2024-03-28',
      format: 'csv',
    });
    expect(full).toEqual(readFileSync(join(reference, 'data/raw/1d/AAA.csv'), 'utf8').trimEnd().split('\n'));
    expect(r[0]?.missing).toBe(0);
  });

  it('fails over to the next provider for the rest of the range and records who served what', async () => {
    const home = tempDir();
    const primary = new TableProvider('primary', { failAfterPages: 2 });
    const backup = new TableProvider('backup');
    const chain = new FailoverProvider([primary, backup]);
    const r = await fetchData({
      home,
      provider: chain,
      symbols: ['AAA'],
      timeframe: '1d',
      start: '2024-01-02',
      end: '2024-02-29',
      format: 'csv',
    });
    const sessions = xnys.sessionDates('2024-01-02', '2024-02-29');
    expect(r[0]).toMatchObject({ rows: sessions.length, missing: 0, servedBy: ['primary', 'backup'] });
    // The backup was asked only for what the primary had not delivered (2 pages of 5).
    expect(backup.requests[0]?.start).toBe(dateToTs(sessions[9] as string) + 1);
    const pages: [string, string, string, number][] = [];
    for (let i = 0; i < sessions.length; i += 5) {
      const page = sessions.slice(i, i + 5);
      pages.push([i < 10 ? 'primary' : 'backup', page[0] as string, page[page.length - 1] as string, page.length]);
    }
    const e = readManifest(join(home, 'data/raw'), 'raw').datasets['1d/AAA'];
    expect(e?.sources.map((s) => [s.provider, s.first, s.last, s.rows])).toEqual(pages);
  });

  it('skips a member of a failover chain that does not serve the symbol (the synthetic universe)', async () => {
    const home = tempDir();
    const table = new TableProvider('table');
    const chain = new FailoverProvider([new SyntheticProvider(), table]);
    const [r] = await fetchData({
      home,
      provider: chain,
      symbols: ['AAA'],
      timeframe: '1d',
      start: '2024-01-02',
      end: '2024-01-31',
      format: 'csv',
    });
    expect(r).toMatchObject({ added: 21, servedBy: ['table'] });
    // A symbol no member serves is refused before any request.
    const none = new FailoverProvider([new SyntheticProvider(), new SyntheticProvider({ seed: 7 })]);
    await expect(
      fetchData({
        home: tempDir(),
        provider: none,
        symbols: ['AAA'],
        timeframe: '1d',
        start: '2024-01-02',
        end: '2024-01-31',
        format: 'csv',
      }),
    ).rejects.toMatchObject({ code: 'DATA_UNKNOWN_SYMBOL', message: expect.stringMatching(/^AAA: no data/) });
  });

  it('raises one venue error naming every provider when the whole chain fails', async () => {
    const chain = new FailoverProvider([
      new TableProvider('a', { failAfterPages: 0 }),
      new TableProvider('b', { failAfterPages: 0 }),
    ]);
    await expect(
      fetchData({
        home: tempDir(),
        provider: chain,
        symbols: ['AAA'],
        timeframe: '1d',
        start: '2024-01-02',
        end: '2024-01-31',
        format: 'csv',
      }),
    ).rejects.toMatchObject({
      code: 'VENUE_UNAVAILABLE',
      exitCode: 4,
      message: expect.stringMatching(/a: a went down \| b: b went down/),
    });
  });

  it('quarantines bad bars a provider sends and keeps the good ones', async () => {
    class Bad extends TableProvider {
      override bar(symbol: string, date: string, i: number): Bar {
        const b = super.bar(symbol, date, i);
        return i === 3 ? { ...b, high: b.low - 1 } : b;
      }
    }
    const home = tempDir();
    const r = await fetchData({
      home,
      provider: new Bad('bad'),
      symbols: ['AAA'],
      timeframe: '1d',
      start: '2024-01-02',
      end: '2024-01-12',
      format: 'csv',
    });
    expect(r[0]).toMatchObject({ rows: 8, quarantined: 1, missing: 1, missingDates: ['2024-01-05'] });
    const q = readFileSync(r[0]?.quarantineFile as string, 'utf8');
    expect(q).toContain('ohlc,"inconsistent OHLC: high 101');
  });

  it('refetches and replaces with force, keeping a backup', async () => {
    const home = tempDir();
    await fetchData({
      home,
      provider: new TableProvider('v1'),
      symbols: ['AAA'],
      timeframe: '1d',
      start: '2024-01-02',
      end: '2024-01-05',
      format: 'csv',
    });
    const v2 = new TableProvider('v2', { priceShift: 1 });
    await expect(
      fetchData({
        home,
        provider: v2,
        symbols: ['AAA'],
        timeframe: '1d',
        start: '2024-01-02',
        end: '2024-01-08',
        format: 'csv',
        force: true,
      }),
    ).resolves.toMatchObject([{ replaced: 4, added: 1, rows: 5 }]);
  });

  describe('asks for nothing after the present', () => {
    // Monday 2024-06-17, 15:00 UTC = 11:00 in New York: that day's session is trading until 20:00 UTC.
    const now = Date.parse('2024-06-17T15:00:00Z');

    it('daily: the end is clipped to the last session that has closed (Friday 2024-06-14)', async () => {
      const home = tempDir();
      const p = new TableProvider('table');
      const [r] = await fetchData({
        home,
        provider: p,
        symbols: ['AAA'],
        timeframe: '1d',
        start: '2024-06-10',
        end: '2024-12-31',
        format: 'csv',
        now,
      });
      expect(p.requests.map((q) => [q.start, q.end])).toEqual([[dateToTs('2024-06-10'), dateToTs('2024-06-15')]]);
      expect(r).toMatchObject({ added: 5, rows: 5, missing: 0 });
      const last = readFileSync(join(home, 'data/raw/1d/AAA.csv'), 'utf8').trimEnd().split('\n').at(-1);
      expect(last?.split(',')[1]).toBe('2024-06-14');
    });

    it('intraday: only bars that have ended (the 13:30 hour bar, not the 14:30 one still running)', async () => {
      const p = new TableProvider('table');
      await fetchData({
        home: tempDir(),
        provider: p,
        symbols: ['AAA'],
        timeframe: '1h',
        start: '2024-06-17',
        end: '2024-06-30',
        format: 'csv',
        now,
      });
      // Bars start before the request's end: 15:00 - 1 h + 1 ms admits the bar of 13:30 only.
      expect(p.requests.map((q) => [q.start, q.end])).toEqual([[dateToTs('2024-06-17'), now - 3_600_000 + 1]]);
    });

    it('intraday before the first bar of the day has ended: nothing of today is asked for', async () => {
      const p = new TableProvider('table');
      const [r] = await fetchData({
        home: tempDir(),
        provider: p,
        symbols: ['AAA'],
        timeframe: '1h',
        start: '2024-06-17',
        end: '2024-06-30',
        format: 'csv',
        now: Date.parse('2024-06-17T14:00:00Z'), // 10:00 in New York: the 09:30 bar ends at 10:30
      });
      expect(p.requests).toEqual([]);
      expect(r).toMatchObject({ added: 0, missing: 0 });
    });

    it('a start after today is a usage error naming --start, before any request', async () => {
      const p = new TableProvider('table');
      const run = fetchData({
        home: tempDir(),
        provider: p,
        symbols: ['AAA'],
        timeframe: '1d',
        start: '2024-06-18',
        end: '2024-06-30',
        format: 'csv',
        now,
      });
      await expect(run).rejects.toMatchObject({ code: 'USAGE_FUTURE_DATE', exitCode: 2, context: { flag: '--start' } });
      expect(p.requests).toEqual([]);
    });

    it('a start of today is no error: nothing has closed yet, so nothing is asked for', async () => {
      const p = new TableProvider('table');
      const [r] = await fetchData({
        home: tempDir(),
        provider: p,
        symbols: ['AAA'],
        timeframe: '1d',
        start: '2024-06-17',
        end: '2024-06-30',
        format: 'csv',
        now,
      });
      expect(p.requests).toEqual([]);
      expect(r).toMatchObject({ added: 0, missing: 0 });
    });
  });
});

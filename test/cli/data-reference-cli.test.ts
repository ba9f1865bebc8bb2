import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAssets, readCorporateActions, readEvents } from '../../src/universe/reference-files.js';
import { FAKE_POLYGON_KEY, startFakePolygon } from '../fakes/polygon/server.js';
import { cli, tempDir } from '../support/cli.js';

const ref = (home: string, f: string): string => join(home, 'data', 'reference', f);
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const quarantined = (home: string): string[] => {
  const dir = join(home, 'data', 'quarantine', 'reference');
  return existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')) : [];
};

describe('data reference --provider synthetic', () => {
  it('writes the same files for the same seed, point in time, with lineage', async () => {
    const homes = [tempDir(), tempDir()];
    for (const home of homes) {
      const r = await cli([
        '--home',
        home,
        'data',
        'reference',
        '--provider',
        'synthetic',
        '--from',
        '2015-01-01',
        '--to',
        '2024-12-31',
        '--as-of',
        '2005-01-03,2024-12-31',
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
    for (const f of ['assets.csv', 'corporate-actions.csv', 'events.csv']) {
      expect(readFileSync(ref(homes[1] as string, f), 'utf8')).toBe(readFileSync(ref(homes[0] as string, f), 'utf8'));
    }
    const home = homes[0] as string;
    const assets = readAssets(ref(home, 'assets.csv'));
    expect(assets.rejected).toEqual([]);
    // 18 equities + 2 crypto pairs; two equities list after 2005 (drawn from 2008..2018) and
    // crypto starts in 2015, so the 2005 snapshot has 18 - 2 records and the 2024 one all 20.
    expect(assets.records.filter((r) => r.asOf === '2005-01-03')).toHaveLength(16);
    expect(assets.records.filter((r) => r.asOf === '2024-12-31')).toHaveLength(20);
    const late = assets.records.filter((r) => r.asOf === '2024-12-31' && r.listDate > '2005-01-03');
    expect(late.filter((r) => r.assetClass === 'us_equity')).toHaveLength(2);
    const gone = assets.records.filter((r) => r.status === 'inactive');
    expect(gone).toHaveLength(2);
    for (const r of gone) expect(r.delistDate > '2016-01-01' && r.delistDate <= '2024-12-31' && !r.tradable).toBe(true);
    // The synthetic bars have no splits or dividends: the file holds its header only.
    expect(readCorporateActions(ref(home, 'corporate-actions.csv')).records).toEqual([]);
    expect(readEvents(ref(home, 'events.csv')).records.every((e) => e.event === 'earnings')).toBe(true);
    const manifest = JSON.parse(readFileSync(ref(home, 'manifest.json'), 'utf8'));
    expect(manifest.files['assets.csv'].sha256).toBe(sha(ref(home, 'assets.csv')));
    expect(manifest.files['assets.csv'].fetches[0]).toMatchObject({
      source: 'synthetic',
      as_of: ['2005-01-03', '2024-12-31'],
    });
  });
});

describe('data reference --provider polygon (fake server)', () => {
  const details = {
    ticker: 'AAPL',
    name: 'Apple Inc.',
    market: 'stocks',
    locale: 'us',
    active: true,
    primary_exchange: 'XNAS',
    market_cap: 2.7e12,
    list_date: '1980-12-12',
  };
  const dividend = (ex: string, cash: unknown) => ({ ticker: 'AAPL', cash_amount: cash, ex_dividend_date: ex });
  const env = (url: string) => ({ POLYGON_API_KEY: FAKE_POLYGON_KEY, MOMENTIC_VENUES__POLYGON__BASE_URL: url });
  const args = (home: string) => [
    '--home',
    home,
    '--json',
    'data',
    'reference',
    '--provider',
    'polygon',
    '--symbols',
    'AAPL',
    '--from',
    '2020-01-01',
    '--to',
    '2020-12-31',
  ];

  it('keeps good records, quarantines a malformed one with its reason, and exits 3', async () => {
    const fake = await startFakePolygon({
      reference: {
        tickers: { AAPL: details },
        splits: [{ ticker: 'AAPL', execution_date: '2020-08-31', split_from: 1, split_to: 4 }],
        dividends: [dividend('2020-05-08', 0.82), dividend('2020-08-07', 'lots')],
      },
    });
    try {
      const home = tempDir();
      const r = await cli(args(home), { env: env(fake.url) });
      expect(r.code, r.stderr).toBe(3);
      const out = JSON.parse(r.stdout);
      expect(out.ok).toBe(false);
      expect(out.quarantined).toBe(1);
      const actions = readCorporateActions(ref(home, 'corporate-actions.csv')).records;
      expect(actions.map((a) => [a.type, a.exDate, a.type === 'split' ? a.ratio : a.cashAmount])).toEqual([
        ['dividend', '2020-05-08', 0.82],
        ['split', '2020-08-31', 4],
      ]);
      const q = quarantined(home);
      expect(q).toHaveLength(1);
      expect(q[0]).toContain('cash_amount');
      expect(q[0]).toContain('2020-08-07');
      expect(readAssets(ref(home, 'assets.csv')).records[0]).toMatchObject({ symbol: 'AAPL', asOf: '2020-12-31' });
    } finally {
      await fake.close();
    }
  });

  it('exits 4 on a malformed payload and writes nothing', async () => {
    const fake = await startFakePolygon({ reference: { tickers: { AAPL: details } }, script: [{ kind: 'malformed' }] });
    try {
      const home = tempDir();
      const r = await cli(args(home), { env: env(fake.url) });
      expect(r.code).toBe(4);
      expect(JSON.parse(r.stdout).error.code).toBe('VENUE_BAD_RESPONSE');
      expect(existsSync(ref(home, 'assets.csv'))).toBe(false);
    } finally {
      await fake.close();
    }
  });
});

describe('data reference --events', () => {
  it('imports a user events file: good rows kept, a bad row quarantined, exit 3', async () => {
    const home = tempDir();
    const file = join(home, 'my-events.csv');
    writeFileSync(file, 'symbol,date,event,time\nAAPL,2025-01-30,earnings,amc\nMSFT,2025-13-01,earnings,bmo\n');
    const r = await cli(['--home', home, 'data', 'reference', '--events', file]);
    expect(r.code, r.stderr).toBe(3);
    expect(readEvents(ref(home, 'events.csv')).records).toEqual([
      { symbol: 'AAPL', date: '2025-01-30', event: 'earnings', time: 'amc' },
    ]);
    expect(quarantined(home)[0]).toContain('date must be a date YYYY-MM-DD');
    const missing = await cli(['--home', home, 'data', 'reference', '--events', join(home, 'nope.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--events');
  });

  it('refuses to merge into an existing file with a bad row, naming it, and writes nothing', async () => {
    const home = tempDir();
    const dir = join(home, 'data', 'reference');
    const events = 'symbol,date,event,time\nAAPL,2025-01-30,earnings,amc\n';
    writeFileSync(join(home, 'ok.csv'), events);
    expect((await cli(['--home', home, 'data', 'reference', '--events', join(home, 'ok.csv')])).code).toBe(0);
    const actions =
      'symbol,type,ex_date,ratio,cash_amount,new_symbol,record_date,pay_date,source\nAAPL,split,2020-08-31,-4,,,,,me\n';
    writeFileSync(join(dir, 'corporate-actions.csv'), actions);
    const before = readFileSync(join(dir, 'events.csv'), 'utf8');
    writeFileSync(join(home, 'more.csv'), 'symbol,date,event,time\nMSFT,2025-01-29,earnings,amc\n');
    const r = await cli(['--home', home, 'data', 'reference', '--events', join(home, 'more.csv')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('corporate-actions.csv line 2');
    expect(readFileSync(join(dir, 'events.csv'), 'utf8')).toBe(before);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import {
  assetOn,
  assetsCsv,
  corporateActionsCsv,
  readAssets,
  readCorporateActions,
  readEvents,
} from '../../src/universe/reference-files.js';

const dirs: string[] = [];
function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'momentic-ref-'));
  dirs.push(dir);
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ASSET_HEADER =
  'symbol,as_of,name,exchange,asset_class,status,tradable,shortable,easy_to_borrow,fractionable,market_cap,list_date,delist_date,source';

describe('reference files', () => {
  it('reads assets point in time and keeps good rows beside bad ones', () => {
    const f = file(
      'assets.csv',
      [
        ASSET_HEADER,
        'ACME,2024-01-10,"Acme, Inc.",NYSE,us_equity,active,true,false,false,true,,2010-05-03,,alpaca',
        'ACME,2024-01-02,Acme Inc.,NYSE,us_equity,active,true,true,true,true,1500000000,2010-05-03,,alpaca',
        'BAD,2024-13-01,Bad,NYSE,us_equity,active,true,true,true,true,,,,alpaca',
        'ZED,2024-01-02,Zed,NASDAQ,us_equity,active,yes,true,true,true,,,,alpaca',
      ].join('\n'),
    );
    const { records, rejected } = readAssets(f);
    expect(records.map((r) => `${r.symbol}@${r.asOf}`)).toEqual(['ACME@2024-01-02', 'ACME@2024-01-10']);
    expect(records[1]?.name).toBe('Acme, Inc.');
    expect(Number.isNaN(records[1]?.marketCap)).toBe(true);
    expect(rejected.map((r) => [r.line, r.reason])).toEqual([
      [4, 'as_of must be a date YYYY-MM-DD, not "2024-13-01"'],
      [5, 'tradable must be true or false, not "yes"'],
    ]);
    // Shortable on 2024-01-05 (the 01-02 record), not from 01-10 on; nothing known before 01-02.
    expect(assetOn(records, 'ACME', '2024-01-05')?.shortable).toBe(true);
    expect(assetOn(records, 'ACME', '2024-01-10')?.shortable).toBe(false);
    expect(assetOn(records, 'ACME', '2024-01-01')).toBeUndefined();
    // Written back, then read again: the same records.
    const again = readAssets(file('assets.csv', assetsCsv(records))).records;
    expect(again).toEqual(records);
  });

  it('names the missing columns, and a missing assets file, as data errors', () => {
    const f = file('assets.csv', 'symbol,as_of\nACME,2024-01-02\n');
    expect(() => readAssets(f)).toThrowError(/lacks the column\(s\) name, exchange/);
    try {
      readAssets(join(dirs[0] as string, 'nope.csv'));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DataError);
      expect((e as DataError).code).toBe('DATA_NOT_FOUND');
    }
  });

  it('reads corporate actions by type and refuses a split without a ratio', () => {
    const f = file(
      'corporate-actions.csv',
      [
        'symbol,type,ex_date,ratio,cash_amount,new_symbol,record_date,pay_date,source',
        'ACME,dividend,2024-02-01,,0.25,,2024-02-02,2024-02-15,polygon',
        'ACME,split,2024-01-15,2,,,,,polygon',
        'OLD,symbol_change,2024-01-20,,,NEW,,,alpaca',
        'ZED,split,2024-01-15,,,,,,polygon',
        'ZED,merger,2024-01-15,,,,,,polygon',
      ].join('\n'),
    );
    const { records, rejected } = readCorporateActions(f);
    expect(records.map((r) => [r.exDate, r.symbol, r.type])).toEqual([
      ['2024-01-15', 'ACME', 'split'],
      ['2024-01-20', 'OLD', 'symbol_change'],
      ['2024-02-01', 'ACME', 'dividend'],
    ]);
    expect(records[0]?.ratio).toBe(2);
    expect(records[2]?.cashAmount).toBe(0.25);
    expect(rejected.map((r) => r.reason)).toEqual([
      'ratio must be a number > 0, not ""',
      'type must be split, dividend or symbol_change, not "merger"',
    ]);
    expect(readCorporateActions(file('c.csv', corporateActionsCsv(records))).records).toEqual(records);
    // No file: no actions (not every workspace has any).
    expect(readCorporateActions(join(dirs[0] as string, 'absent.csv')).records).toEqual([]);
  });

  it('reads events and refuses an unknown time of day', () => {
    const f = file(
      'events.csv',
      'symbol,date,event,time\nACME,2024-01-25,earnings,amc\nZED,2024-01-26,earnings,noon\n',
    );
    const { records, rejected } = readEvents(f);
    expect(records).toEqual([{ symbol: 'ACME', date: '2024-01-25', event: 'earnings', time: 'amc' }]);
    expect(rejected[0]?.line).toBe(3);
  });
});

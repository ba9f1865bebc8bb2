/**
 * Hostile CSV files given to `momentic data import`. A refused file or row always gets exit 3
 * (2 for a bad flag), one error line naming the file (and its row and column when one row is at
 * fault) with a Fix, and leaves data/ and state/ as they were, except:
 * - data/quarantine, which receives every rejected row with its reason;
 * - data/raw, which receives the good rows of a file where only some rows are bad (a bad row
 *   never costs the good ones; the import still exits 3 so scripts notice).
 * A file that cannot be read as bars at all (empty, binary, no header, ambiguous dates, a missing
 * column) writes nothing. Layouts that are unambiguous (BOM, CRLF, ; or tab separators, decimal
 * commas, quoted thousands separators, US or European dates) are accepted and stored exactly.
 */
import { readdirSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { copyHome, expectRefusal, prepareBaseHome, snapshot, type BaseHome } from './harness.js';

const HEAD = 'Date,Open,High,Low,Close,Volume';
const RAW_AND_QUARANTINE = ['data/raw', 'data/quarantine'];

/** `n` weekdays from Monday 2024-07-08: XNYS sessions, as no holiday falls before 2024-09-02. */
function sessions(n: number): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(2024, 6, 8); out.length < n; t += 86_400_000) {
    const day = new Date(t).getUTCDay();
    if (day !== 0 && day !== 6) out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}
const DAYS = sessions(20);
const row = (d: string, o = '10', h = '11', l = '9', c = '10.5', v = '1000'): string => [d, o, h, l, c, v].join(',');
const GOOD = DAYS.map((d) => row(d));
const csv = (lines: readonly string[]): string => `${lines.join('\n')}\n`;
/** GOOD with line `at` (2 = first data row) replaced. */
const withLine = (at: number, text: string): string => {
  const lines = [HEAD, ...GOOD];
  lines[at - 1] = text;
  return csv(lines);
};

function write(home: string, name: string, content: string | Buffer): void {
  mkdirSync(join(home, 'in'), { recursive: true });
  writeFileSync(join(home, 'in', name), content);
}
const importArgs =
  (name: string, ...extra: string[]) =>
  (home: string): string[] => ['data', 'import', '--file', join(home, 'in', name), '--symbol', 'ACME', ...extra];

/** Data lines of the one quarantine file of ACME: [row, gate]. */
function quarantined(home: string): [number, string][] {
  const dir = join(home, 'data', 'quarantine', '1d', 'ACME');
  const files = readdirSync(dir);
  expect(files).toHaveLength(1);
  return readFileSync(join(dir, files[0] as string), 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [r, g] = l.split(',');
      return [Number(r), g as string];
    });
}
const rawLines = (home: string): string[] =>
  readFileSync(join(home, 'data', 'raw', '1d', 'ACME.csv'), 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1);

interface PartialCase {
  readonly name: string;
  readonly text: string;
  readonly culprit: string | RegExp;
  /** [row, gate] of every quarantined row. */
  readonly rows: [number, string][];
  /** Rows in data/raw afterwards. */
  readonly kept: number;
  readonly extra?: readonly string[];
}

describe('hostile CSV files for data import', () => {
  let base: BaseHome;
  beforeAll(async () => {
    base = await prepareBaseHome();
  }, 60_000);

  // Files that cannot be read as bars: exit 3 and nothing written.
  it.each([
    ['an empty file', '', /x\.csv is empty/],
    ['a file holding only a byte-order mark', '\ufeff', /x\.csv is empty/],
    ['only a header', `${HEAD}\n`, /x\.csv has a header but no rows/],
    ['only a header, CRLF and blank lines', `${HEAD}\r\n\r\n\r\n`, /x\.csv has a header but no rows/],
    ['a missing column', csv(['Date,Open,High,Low,Close', '2024-07-08,10,11,9,10.5']), 'x.csv:1 (column volume)'],
    [
      'a duplicated column name',
      csv(['Date,Open,High,Low,Close,Close,Volume', '2024-07-08,10,11,9,10.5,10.5,1000']),
      /x\.csv:1 \(column Close\): .*two columns named "Close"/,
    ],
    ['no header line (data first)', csv(GOOD), /x\.csv:1: .*no header line/],
    [
      'dates that read both as MM/DD and DD/MM (every day <= 12)',
      csv([HEAD, '07/08/2024,10,11,9,10.5,1000', '07/09/2024,10,11,9,10.5,1000', '07/10/2024,10,11,9,10.5,1000']),
      /x\.csv.*MM\/DD\/YYYY or DD\/MM\/YYYY/,
    ],
    ['a single line longer than 1 MiB', csv([HEAD, ...GOOD.slice(0, 3), 'x'.repeat(1_100_000)]), /x\.csv:5: .*1 MiB/],
  ])('%s: exit 3, nothing written', async (_name, text, culprit) => {
    const { result } = await expectRefusal(
      base,
      importArgs('x.csv'),
      { code: 3, error: 'DATA_INVALID', culprit },
      (h) => write(h, 'x.csv', text),
    );
    if (String(culprit).includes('MM')) expect(result.stderr).toMatch(/Fix: .*--date-format MM\/DD\/YYYY/);
  });

  it.each([
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)), /not a text/],
    ['a gzip archive', gzipSync(csv([HEAD, ...GOOD])), /gzip/],
    [
      'a UTF-16 file',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv([HEAD, ...GOOD]), 'utf16le')]),
      /UTF-16/,
    ],
    ['a Parquet file', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 1), Buffer.from('PAR1')]), /Parquet/],
  ])('%s: exit 3 naming the file, no raw byte echoed, nothing written', async (_name, bytes, why) => {
    const { result } = await expectRefusal(
      base,
      importArgs('x.csv'),
      { code: 3, error: 'DATA_INVALID', culprit: 'x.csv' },
      (h) => write(h, 'x.csv', bytes),
    );
    expect(result.stderr.split('\n')[0]).toMatch(why);
  });

  it('a missing file exits 3 naming it', async () => {
    await expectRefusal(base, importArgs('nope.csv'), { code: 3, error: 'DATA_NOT_FOUND', culprit: 'nope.csv' });
  });

  it('a folder given as --file exits 3 naming it', async () => {
    await expectRefusal(
      base,
      importArgs('dir.csv'),
      { code: 3, error: 'DATA_NOT_FOUND', culprit: /dir\.csv is a folder/ },
      (h) => {
        mkdirSync(join(h, 'in', 'dir.csv'), { recursive: true });
      },
    );
  });

  it('an unknown --date-format exits 2 naming the flag', async () => {
    await expectRefusal(
      base,
      importArgs('x.csv', '--date-format', 'DD/MM/YY'),
      { code: 2, culprit: '--date-format' },
      (h) => write(h, 'x.csv', csv([HEAD, ...GOOD])),
    );
  });

  // Some rows bad: they go to the quarantine with their reason, the good rows to data/raw, exit 3.
  const partial: PartialCase[] = [
    {
      name: 'high below low',
      text: withLine(4, row(DAYS[2]!, '10', '8', '9', '10')),
      culprit: 'x.csv:4 (column High)',
      rows: [[4, 'ohlc']],
      kept: 19,
    },
    {
      name: 'negative volume',
      text: withLine(5, row(DAYS[3]!, '10', '11', '9', '10.5', '-5')),
      culprit: 'x.csv:5 (column Volume)',
      rows: [[5, 'volume']],
      kept: 19,
    },
    {
      name: 'a NaN close',
      text: withLine(6, row(DAYS[4]!, '10', '11', '9', 'NaN')),
      culprit: 'x.csv:6 (column Close)',
      rows: [[6, 'nan']],
      kept: 19,
    },
    {
      name: 'an inf open',
      text: withLine(6, row(DAYS[4]!, 'inf')),
      culprit: 'x.csv:6 (column Open)',
      rows: [[6, 'nan']],
      kept: 19,
    },
    {
      name: 'a -Infinity low',
      text: withLine(6, row(DAYS[4]!, '10', '11', '-Infinity')),
      culprit: 'x.csv:6 (column Low)',
      rows: [[6, 'nan']],
      kept: 19,
    },
    {
      name: 'a number overflowing to infinity',
      text: withLine(6, row(DAYS[4]!, '10', '11', '9', '1e309')),
      culprit: 'x.csv:6 (column Close)',
      rows: [[6, 'schema']],
      kept: 19,
    },
    {
      name: 'an empty cell',
      text: withLine(7, row(DAYS[5]!, '10', '', '9')),
      culprit: 'x.csv:7 (column High)',
      rows: [[7, 'empty']],
      kept: 19,
    },
    {
      name: 'a zero price',
      text: withLine(7, row(DAYS[5]!, '0')),
      culprit: 'x.csv:7 (column Open)',
      rows: [[7, 'price']],
      kept: 19,
    },
    {
      name: 'prices of 1e308',
      text: withLine(8, row(DAYS[6]!, '1e308', '1e308', '1e308', '1e308')),
      culprit: 'x.csv:8 (column Open)',
      rows: [[8, 'range']],
      kept: 19,
    },
    {
      name: 'a volume of 1e300',
      text: withLine(8, row(DAYS[6]!, '10', '11', '9', '10.5', '1e300')),
      culprit: 'x.csv:8 (column Volume)',
      rows: [[8, 'range']],
      kept: 19,
    },
    {
      name: 'a bar 5000 times the previous close',
      text: withLine(9, row(DAYS[7]!, '50000', '55000', '45000', '52500')),
      culprit: 'x.csv:9 (column Close)',
      rows: [[9, 'jump']],
      kept: 19,
    },
    {
      name: 'a duplicated date',
      text: withLine(6, row(DAYS[3]!, '10', '12', '9', '11')),
      culprit: 'x.csv:6 (column Date)',
      rows: [[6, 'duplicate']],
      kept: 19,
    },
    {
      name: 'an unsorted row',
      text: csv([HEAD, ...GOOD.slice(0, 5), GOOD[6]!, GOOD[5]!, ...GOOD.slice(7)]),
      culprit: 'x.csv:8 (column Date)',
      rows: [[8, 'order']],
      kept: 19,
    },
    {
      name: 'a Saturday',
      text: withLine(6, row('2024-07-13')),
      culprit: 'x.csv:6 (column Date)',
      rows: [[6, 'calendar']],
      kept: 19,
    },
    {
      name: 'a date that does not exist',
      text: withLine(6, row('2024-02-30')),
      culprit: 'x.csv:6 (column Date)',
      rows: [[6, 'schema']],
      kept: 19,
    },
    {
      name: 'a future date',
      text: csv([HEAD, ...GOOD, row('2099-01-05')]),
      culprit: 'x.csv:22 (column Date)',
      rows: [[22, 'future']],
      kept: 20,
    },
    {
      name: 'a row with too few cells',
      text: withLine(5, `${DAYS[3]},10,11,9`),
      culprit: 'x.csv:5',
      rows: [[5, 'schema']],
      kept: 19,
    },
    {
      name: 'a row with too many cells',
      text: withLine(5, `${row(DAYS[3]!)},7`),
      culprit: 'x.csv:5',
      rows: [[5, 'schema']],
      kept: 19,
    },
    {
      name: 'a row of separators only',
      text: withLine(5, ',,,,,'),
      culprit: 'x.csv:5 (column Date)',
      rows: [[5, 'empty']],
      kept: 19,
    },
    {
      name: 'a decimal comma in a comma-separated file',
      text: withLine(5, `${DAYS[3]},10,11,9,10,5,1000`),
      culprit: 'x.csv:5',
      rows: [[5, 'schema']],
      kept: 19,
    },
    {
      name: 'a trailing garbage line',
      text: `${csv([HEAD, ...GOOD])}Total: 20 rows\n`,
      culprit: 'x.csv:22',
      rows: [[22, 'schema']],
      kept: 20,
    },
    {
      name: 'a garbage line with control bytes',
      text: `${csv([HEAD, ...GOOD])}\u0001\u0002\u001b[31m\u0000,1,2\n`,
      culprit: 'x.csv:22',
      rows: [[22, 'schema']],
      kept: 20,
    },
    {
      name: 'a header line repeated inside the file',
      text: withLine(8, HEAD),
      culprit: 'x.csv:8',
      rows: [[8, 'schema']],
      kept: 19,
    },
    {
      name: 'an unterminated quote',
      text: withLine(5, `${DAYS[3]},"10,11,9,10.5,1000`),
      culprit: 'x.csv:5',
      rows: [[5, 'schema']],
      kept: 19,
    },
    {
      name: 'a row of another symbol in a file with a symbol column',
      text: csv([
        'Symbol,Date,Open,High,Low,Close,Volume',
        ...GOOD.map((l, i) => `${i === 4 ? 'OTHER' : 'ACME'},${l}`),
      ]),
      culprit: 'x.csv:6 (column Symbol)',
      rows: [[6, 'schema']],
      kept: 19,
    },
    {
      name: 'a date in another layout than the rest',
      text: withLine(5, row('07/11/2024')),
      culprit: 'x.csv:5 (column Date)',
      rows: [[5, 'schema']],
      kept: 19,
    },
    {
      name: 'two bad rows',
      text: csv([
        HEAD,
        ...GOOD.slice(0, 3),
        row(DAYS[3]!, '10', '8'),
        ...GOOD.slice(4, 10),
        row(DAYS[10]!, '-1'),
        ...GOOD.slice(11),
      ]),
      culprit: /x\.csv: 2 rows quarantined \(ohlc 1, price 1\), first at row 5/,
      rows: [
        [5, 'ohlc'],
        [12, 'price'],
      ],
      kept: 18,
    },
  ];
  it.each(partial.map((c) => [c.name, c] as const))(
    '%s: bad rows quarantined, good rows kept, exit 3',
    async (_name, c) => {
      const { result, home } = await expectRefusal(
        base,
        importArgs('x.csv', ...(c.extra ?? [])),
        { code: 3, error: 'DATA_INVALID', culprit: c.culprit, writes: RAW_AND_QUARANTINE },
        (h) => write(h, 'x.csv', c.text),
      );
      expect(quarantined(home)).toEqual(c.rows);
      expect(rawLines(home)).toHaveLength(c.kept);
      expect(result.stderr).toMatch(/^Fix: .*quarantine/m);
      expect(result.stdout).not.toMatch(/newest first/);
    },
  );

  // Every row bad: all quarantined, nothing in data/raw, coverage 0, exit 3.
  it.each([
    [
      'dates in an unknown layout',
      csv([HEAD, ...DAYS.map((d) => row(`${d.slice(8)} Jul ${d.slice(0, 4)}`))]),
      [],
      /date/,
    ],
    ['dates not in the --date-format given', csv([HEAD, ...GOOD]), ['--date-format', 'DD/MM/YYYY'], /DD\/MM\/YYYY/],
    ['every price negative', csv([HEAD, ...DAYS.map((d) => row(d, '-10', '-9', '-11', '-10'))]), [], /price/],
  ])('%s: every row quarantined with its reason, exit 3', async (_name, text, extra, reason) => {
    const { result, home } = await expectRefusal(
      base,
      importArgs('x.csv', ...extra),
      {
        code: 3,
        error: 'DATA_INVALID',
        culprit: /x\.csv: every row was quarantined \(20 rows/,
        writes: ['data/quarantine'],
      },
      (h) => write(h, 'x.csv', text),
    );
    expect(quarantined(home).map(([r]) => r)).toEqual(DAYS.map((_, i) => i + 2));
    expect(result.stderr.split('\n')[0]).toMatch(reason);
    expect(result.stdout).toMatch(/ACME\s+1d\s+20\s+20 \(\w+ 20\)\s+0\.00%/);
    expect(result.stdout).not.toMatch(/newest first/);
  });

  it('every row rejected: the JSON report says coverage 0 and ok false', async () => {
    const home = copyHome(base);
    write(
      home,
      'x.csv',
      csv([HEAD, ...DAYS.map((d) => row(d.replace(/(\d+)-(\d+)-(\d+)/, '$2/$3/$1')).replace(/^/, 'x'))]),
    );
    const r = await cli(['--home', home, '--json', ...importArgs('x.csv')(home)]);
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: false, qc: { rows: 20, good: 0, rejected: 20, coverage_pct: 0, passed: false } });
    expect(out.error).toMatchObject({ code: 'DATA_INVALID' });
    expect(out.notes).not.toContain('rows were newest first; read in reverse order');
  });

  // Layouts read correctly: exit 0, rows stored exactly.
  const STORED = DAYS.map((d) => `ACME,${d},10,11,9,10.5,1000`);
  it.each([
    ['a BOM and CRLF line ends', `\ufeff${[HEAD, ...GOOD].join('\r\n')}\r\n`, [], undefined],
    ['blank lines between rows', `${HEAD}\n\n${GOOD.join('\n\n')}\n\n`, [], undefined],
    [
      'upper-case headers and spaces around cells',
      csv(['DATE , OPEN,HIGH ,LOW,CLOSE,VOLUME', ...GOOD.map((l) => l.replace(/,/g, ' , '))]),
      [],
      undefined,
    ],
    [
      'quoted numbers with thousands separators',
      csv([HEAD, ...DAYS.map((d) => `${d},"10","11","9","10.5","1,000"`)]),
      [],
      undefined,
    ],
    ['semicolons', csv([HEAD, ...GOOD].map((l) => l.replace(/,/g, ';'))), [], /separated by ";"/],
    ['tabs', csv([HEAD, ...GOOD].map((l) => l.replace(/,/g, '\t'))), [], /separated by tabs/],
    [
      'semicolons and decimal commas',
      csv([HEAD, ...GOOD].map((l) => l.replace(/,/g, ';').replace('10.5', '10,5'))),
      [],
      /decimal comma/,
    ],
    [
      'US dates (MM/DD/YYYY)',
      csv([HEAD, ...GOOD.map((l) => l.replace(/^(\d+)-(\d+)-(\d+)/, '$2/$3/$1'))]),
      [],
      /MM\/DD\/YYYY/,
    ],
    [
      'European dates (DD/MM/YYYY)',
      csv([HEAD, ...GOOD.map((l) => l.replace(/^(\d+)-(\d+)-(\d+)/, '$3/$2/$1'))]),
      [],
      /DD\/MM\/YYYY/,
    ],
    [
      'German dates (DD.MM.YYYY)',
      csv([HEAD, ...GOOD.map((l) => l.replace(/^(\d+)-(\d+)-(\d+)/, '$3.$2.$1'))]),
      [],
      /DD\.MM\.YYYY/,
    ],
    [
      'compact dates (YYYYMMDD)',
      csv([HEAD, ...GOOD.map((l) => l.replace(/^(\d+)-(\d+)-(\d+)/, '$1$2$3'))]),
      [],
      undefined,
    ],
    ['newest-first rows', csv([HEAD, ...[...GOOD].reverse()]), [], /newest first/],
    [
      "a symbol column in the vendor's spelling",
      csv([`Ticker,${HEAD}`, ...GOOD.map((l) => `ACME.US,${l}`)]),
      [],
      /the symbol column says ACME\.US; its rows are filed under ACME/,
    ],
  ])('%s: imported exactly (exit 0)', async (_name, text, extra, note) => {
    const home = copyHome(base);
    write(home, 'x.csv', text);
    const r = await cli(['--home', home, ...importArgs('x.csv', ...extra)(home)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(rawLines(home)).toEqual(STORED);
    if (note === undefined) expect(r.stdout).not.toMatch(/^note:/m);
    else expect(r.stdout).toMatch(note);
  });

  it.each([
    ['MM/DD/YYYY', '$2/$3/$1'],
    ['DD/MM/YYYY', '$3/$2/$1'],
  ])('ambiguous dates (every part <= 12) are read as asked with --date-format %s', async (layout, order) => {
    const first4 = DAYS.slice(0, 4); // 2024-07-08 .. 07-11
    const home = copyHome(base);
    write(home, 'x.csv', csv([HEAD, ...first4.map((d) => row(d.replace(/^(\d+)-(\d+)-(\d+)/, order)))]));
    const r = await cli(['--home', home, ...importArgs('x.csv', '--date-format', layout)(home)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(rawLines(home)).toEqual(STORED.slice(0, 4));
  });

  it('data validate --file takes --date-format and writes nothing', async () => {
    const home = copyHome(base);
    write(home, 'x.csv', csv([HEAD, ...GOOD.slice(0, 4).map((l) => l.replace(/^(\d+)-(\d+)-(\d+)/, '$2/$3/$1'))]));
    const before = snapshot(home);
    const args = ['data', 'validate', '--file', join(home, 'in', 'x.csv'), '--symbol', 'ACME'];
    const refused = await cli(['--home', home, ...args]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/--date-format/);
    const r = await cli(['--home', home, ...args, '--date-format', 'MM/DD/YYYY']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ACME\s+1d\s+4\s+0\s+100\.00%\s+0\s+0\s+pass/);
    expect(snapshot(home)).toEqual(before);
  });
});

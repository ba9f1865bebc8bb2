/**
 * Writes the TA-Lib reference fixtures in test/fixtures/talib/ by running the real TA-Lib C
 * library (npm `talib`, a node-gyp build of TA-Lib's C sources) over the real sample series in
 * ../shared/data/ (beside the checkout). test/analytics/indicators/talib-parity.test.ts compares
 * every momentic indicator against them.
 *
 *   npm run fixtures:talib      (installs scripts/talib/node_modules, then runs this file)
 *
 * TA-Lib runs in its default compatibility mode with every unstable period at 0, the mode the
 * momentic indicators reproduce. One gzip-compressed JSON file per series and function.
 */
/* global console, process */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const talib = require('talib');

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '..', '..');
const DATA = join(REPO, '..', 'shared', 'data');
const OUT = join(REPO, 'test', 'fixtures', 'talib');

/**
 * The series, parsed exactly as the parity test parses them (Number() of each CSV cell).
 * Daily files: Date,Open,High,Low,Close,Adj Close,Volume (Close is the unadjusted close).
 * The minute file's header lacks the Time column: rows are Date,Time,Open,High,Low,Close,Volume,OpenInterest.
 */
const SERIES = [
  { name: 'orcl', file: 'orcl-1995-2014.txt', columns: { open: 1, high: 2, low: 3, close: 4, volume: 6 } },
  { name: 'nvda', file: 'nvda-1999-2014.txt', columns: { open: 1, high: 2, low: 3, close: 4, volume: 6 } },
  {
    name: 'min2006',
    file: '2006-01-02-volume-min-001.txt',
    columns: { open: 2, high: 3, low: 4, close: 5, volume: 6 },
    rows: 5000,
  },
];

function readSeries(s) {
  let lines = readFileSync(join(DATA, s.file), 'utf8').trim().split('\n').slice(1);
  if (s.rows !== undefined) lines = lines.slice(0, s.rows);
  const cells = lines.map((l) => l.split(','));
  const cols = {};
  for (const [name, i] of Object.entries(s.columns)) cols[name] = cells.map((r) => Number(r[i]));
  return cols;
}

const MA_SMA = 0; // TA_MAType_SMA
const HLC = ['high', 'low', 'close'];
const C = ['close'];

/**
 * One case = our key and params, the TA-Lib call(s) and which TA-Lib output becomes which of our
 * output names. `params` are TA-Lib's numeric options in TA-Lib's order, without the MA-type
 * options (always SMA here, TA-Lib's default); they are what `--indicator key:p1,p2` takes. `real` maps TA-Lib's real-array inputs to our columns; price inputs
 * (high/low/close/volume) are passed by name.
 */
const one = (key, params, fn, opt, inputs, outputs, real = { inReal: 'close' }) => ({
  key,
  params,
  inputs,
  calls: [{ fn, opt, real, outputs }],
});
const period = (n) => ({ optInTimePeriod: n });
const macd = (f, s, g) =>
  one('macd', [f, s, g], 'MACD', { optInFastPeriod: f, optInSlowPeriod: s, optInSignalPeriod: g }, C, {
    outMACD: 'macd',
    outMACDSignal: 'macd_signal',
    outMACDHist: 'macd_hist',
  });
const bbands = (n, k) =>
  one('bbands', [n, k, k], 'BBANDS', { optInTimePeriod: n, optInNbDevUp: k, optInNbDevDn: k, optInMAType: MA_SMA }, C, {
    outRealUpperBand: 'bb_up',
    outRealMiddleBand: 'bb_mid',
    outRealLowerBand: 'bb_dn',
  });
/** Pair functions read inReal0 = x = high and inReal1 = y = low of the same series. */
const PAIR = { inReal0: 'high', inReal1: 'low' };

const CASES = [
  one('sma', [20], 'SMA', period(20), C, { outReal: 'sma' }),
  one('ema', [20], 'EMA', period(20), C, { outReal: 'ema' }),
  one('wma', [20], 'WMA', period(20), C, { outReal: 'wma' }),
  one('dema', [20], 'DEMA', period(20), C, { outReal: 'dema' }),
  one('tema', [20], 'TEMA', period(20), C, { outReal: 'tema' }),
  one('kama', [30], 'KAMA', period(30), C, { outReal: 'kama' }),
  macd(12, 26, 9),
  one('roc', [10], 'ROC', period(10), C, { outReal: 'roc' }),
  one('mom', [10], 'MOM', period(10), C, { outReal: 'mom' }),
  one('stddev', [20, 1], 'STDDEV', { optInTimePeriod: 20, optInNbDev: 1 }, C, { outReal: 'stddev' }),
  {
    key: 'linreg',
    params: [20],
    inputs: C,
    calls: [
      { fn: 'LINEARREG_SLOPE', opt: period(20), real: { inReal: 'close' }, outputs: { outReal: 'linreg_slope' } },
      {
        fn: 'LINEARREG_INTERCEPT',
        opt: period(20),
        real: { inReal: 'close' },
        outputs: { outReal: 'linreg_intercept' },
      },
    ],
  },
  one('correl', [30], 'CORREL', period(30), ['high', 'low'], { outReal: 'correl' }, PAIR),
  one('beta', [5], 'BETA', period(5), ['high', 'low'], { outReal: 'beta' }, PAIR),
  one('rsi', [14], 'RSI', period(14), C, { outReal: 'rsi' }),
  one(
    'stoch',
    [5, 3, 3],
    'STOCH',
    {
      optInFastK_Period: 5,
      optInSlowK_Period: 3,
      optInSlowK_MAType: MA_SMA,
      optInSlowD_Period: 3,
      optInSlowD_MAType: MA_SMA,
    },
    HLC,
    { outSlowK: 'stoch_k', outSlowD: 'stoch_d' },
  ),
  one('stochf', [5, 3], 'STOCHF', { optInFastK_Period: 5, optInFastD_Period: 3, optInFastD_MAType: MA_SMA }, HLC, {
    outFastK: 'stochf_k',
    outFastD: 'stochf_d',
  }),
  one(
    'stochrsi',
    [14, 5, 3],
    'STOCHRSI',
    { optInTimePeriod: 14, optInFastK_Period: 5, optInFastD_Period: 3, optInFastD_MAType: MA_SMA },
    C,
    { outFastK: 'stochrsi_k', outFastD: 'stochrsi_d' },
  ),
  one('willr', [14], 'WILLR', period(14), HLC, { outReal: 'willr' }),
  one('cci', [14], 'CCI', period(14), HLC, { outReal: 'cci' }),
  one('mfi', [14], 'MFI', period(14), [...HLC, 'volume'], { outReal: 'mfi' }),
  one('obv', [], 'OBV', {}, ['close', 'volume'], { outReal: 'obv' }),
  one('aroon', [14], 'AROON', period(14), ['high', 'low'], { outAroonDown: 'aroon_down', outAroonUp: 'aroon_up' }),
  one('aroonosc', [14], 'AROONOSC', period(14), ['high', 'low'], { outReal: 'aroonosc' }),
  one('sar', [0.02, 0.2], 'SAR', { optInAcceleration: 0.02, optInMaximum: 0.2 }, ['high', 'low'], { outReal: 'sar' }),
  one('trange', [], 'TRANGE', {}, HLC, { outReal: 'trange' }),
  one('atr', [14], 'ATR', period(14), HLC, { outReal: 'atr' }),
  one('natr', [14], 'NATR', period(14), HLC, { outReal: 'natr' }),
  one('plus_di', [14], 'PLUS_DI', period(14), HLC, { outReal: 'plus_di' }),
  one('minus_di', [14], 'MINUS_DI', period(14), HLC, { outReal: 'minus_di' }),
  one('adx', [14], 'ADX', period(14), HLC, { outReal: 'adx' }),
  one('adxr', [14], 'ADXR', period(14), HLC, { outReal: 'adxr' }),
  bbands(20, 2),
  // A second parameter set for a few, so that no implementation hard-codes its default.
  one('sma', [5], 'SMA', period(5), C, { outReal: 'sma' }),
  one('ema', [50], 'EMA', period(50), C, { outReal: 'ema' }),
  one('rsi', [7], 'RSI', period(7), C, { outReal: 'rsi' }),
  one('atr', [5], 'ATR', period(5), HLC, { outReal: 'atr' }),
  macd(5, 35, 5),
  bbands(10, 1.5),
];

/** Exact sum of a column in row order, so the test can prove it parsed the same numbers. */
const checksum = (a) => a.reduce((s, v) => s + v, 0);

function runCase(c, cols, n) {
  let lookback;
  const outputs = {};
  const suffix = c.params.length === 0 ? '' : `_${c.params.join('_')}`;
  for (const call of c.calls) {
    const args = { name: call.fn, startIdx: 0, endIdx: n - 1, ...cols, ...call.opt };
    for (const [arg, col] of Object.entries(call.real)) args[arg] = cols[col];
    const r = talib.execute(args);
    if (r.error !== undefined || typeof r.begIndex !== 'number') throw new Error(`${call.fn}: ${JSON.stringify(r)}`);
    // TA-Lib returns values for rows begIndex..n-1; begIndex == the function's lookback.
    if (r.begIndex + r.nbElement !== n) throw new Error(`${call.fn}: ${r.begIndex} + ${r.nbElement} != ${n}`);
    if (lookback !== undefined && lookback !== r.begIndex) throw new Error(`${c.key}: lookbacks differ`);
    lookback = r.begIndex;
    for (const [taName, ours] of Object.entries(call.outputs)) {
      const vals = r.result[taName];
      if (vals === undefined) throw new Error(`${call.fn}: no output ${taName}`);
      const col = new Array(n).fill(null);
      vals.forEach((v, i) => {
        if (!Number.isFinite(v)) throw new Error(`${call.fn}: non-finite ${taName}[${r.begIndex + i}]`);
        col[r.begIndex + i] = v;
      });
      outputs[`${ours}${suffix}`] = col;
    }
  }
  return {
    function: c.calls.map((k) => k.fn).join('+'),
    key: c.key,
    params: c.params,
    talib_params: Object.fromEntries(c.calls.map((k) => [k.fn, k.opt])),
    inputs: c.inputs,
    ...(c.calls[0].real.inReal0 === undefined
      ? {}
      : { pair: { x: 'high', y: 'low', note: 'x = inReal0 = high, y = inReal1 = low of the same series' } }),
    lookback,
    output_names: c.calls.flatMap((k) => Object.values(k.outputs)),
    outputs,
  };
}

function taLibCVersion() {
  const src = join(HERE, 'node_modules', 'talib', 'src', 'lib', 'src', 'ta_common', 'ta_version.c');
  const t = readFileSync(src, 'utf8');
  const part = (name) => (t.match(new RegExp(`#define ${name} "([^"]*)"`)) ?? [])[1] ?? '?';
  const extra = part('EXTRA');
  return `${part('MAJOR')}.${part('MINOR')}.${part('BUILD')}${extra === '' ? '' : `-${extra}`}`;
}

function main() {
  // Default compatibility mode; unstable period 0 for every function (TA_Initialize's defaults, made explicit).
  talib.setUnstablePeriod(talib.functionUnstIds.TA_FUNC_UNST_ALL, 0);
  const talibNpm = JSON.parse(readFileSync(join(HERE, 'node_modules', 'talib', 'package.json'), 'utf8')).version;
  const generatedAt = new Date().toISOString().slice(0, 10);
  mkdirSync(OUT, { recursive: true });
  for (const f of readdirSync(OUT)) if (f.endsWith('.json.gz')) rmSync(join(OUT, f));
  let files = 0;
  let bytes = 0;
  for (const s of SERIES) {
    const cols = readSeries(s);
    const n = cols.close.length;
    for (const c of CASES) {
      const body = runCase(c, cols, n);
      const fixture = {
        provenance: {
          generator: 'scripts/talib/generate.mjs',
          talib_npm: talibNpm,
          ta_lib_c: taLibCVersion(),
          compatibility: 'TA_COMPATIBILITY_DEFAULT, unstable period 0',
          node: process.version,
          generated_at: generatedAt,
          source_file: s.file,
          rows: n,
          input_checksums: Object.fromEntries(body.inputs.map((k) => [k, checksum(cols[k])])),
        },
        ...body,
      };
      const name = `${s.name}.${c.key}${c.params.length === 0 ? '' : `_${c.params.join('_')}`}.json.gz`;
      const gz = gzipSync(JSON.stringify(fixture), { level: 9 });
      writeFileSync(join(OUT, name), gz);
      files++;
      bytes += gz.length;
    }
  }
  console.log(`wrote ${files} fixtures, ${(bytes / 1e6).toFixed(2)} MB, to ${OUT}`);
}

main();

import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';
import { changedPaths, copyHome, expectRefusal, prepareBaseHome, snapshot, type BaseHome } from './harness.js';

/** A date a year from now: no provider has a bar of it. */
const nextYear = `${new Date().getUTCFullYear() + 1}-01-02`;

const SWEEP = ['--strategy', 'sma-cross', '--param', 'fast=5,10', '--param', 'slow=30'];

/** A setup writing `text` as the run file `name` in the workspace. */
const runFile =
  (text: string, name = 'run.yaml') =>
  (home: string): void => {
    writeFileSync(join(home, name), text);
  };

describe('hostile symbols, dates, workspaces, run files and flags', () => {
  let base: BaseHome;
  beforeAll(async () => {
    base = await prepareBaseHome();
  }, 60_000);

  describe('a symbol neither in the workspace nor served by the provider is refused (exit 3) before anything is written', () => {
    it.each([
      ['backtest', ['backtest', '--strategy', 'sma-cross', '--symbols', 'ORLC']],
      ['backtest with a good symbol beside it', ['backtest', '--strategy', 'sma-cross', '--symbols', 'ORCL,ORLC']],
      [
        'backtest over dates',
        ['backtest', '--strategy', 'sma-cross', '--symbols', 'ORLC', '--start', '2005-01-01', '--end', '2014-12-31'],
      ],
      ['sweep', ['sweep', ...SWEEP, '--symbols', 'ORLC']],
      ['walkforward', ['walkforward', ...SWEEP, '--symbols', 'ORLC']],
    ])('%s: names the symbol and the nearest dataset', async (_, argv) => {
      await expectRefusal(base, () => argv, {
        code: 3,
        error: 'DATA_UNKNOWN_SYMBOL',
        culprit: 'ORLC: no data; did you mean "ORCL"?',
      });
    });

    it.each([
      ['a symbol', ['features', 'build', '--symbols', 'ZNTX,ORLC']],
      ['a pair leg', ['features', 'build', '--symbols', 'ZNTX', '--pairs', 'ORCL:ORLC']],
      ['the benchmark', ['features', 'build', '--symbols', 'ZNTX', '--benchmark', 'ORLC']],
    ])('features build of %s without raw data builds nothing and names the nearest dataset', async (_, argv) => {
      await expectRefusal(base, () => argv, {
        code: 3,
        error: 'DATA_NOT_FOUND',
        culprit: 'ORLC: no 1d bars in the raw zone; did you mean "ORCL"?',
      });
    });

    it('a run file listing a mistyped symbol', async () => {
      await expectRefusal(
        base,
        (h) => ['backtest', '--config', join(h, 'run.yaml')],
        { code: 3, error: 'DATA_UNKNOWN_SYMBOL', culprit: 'ORLC: no data; did you mean "ORCL"?' },
        runFile('strategy: sma-cross\nsymbols: [ORCL, ORLC]\n'),
      );
    });

    it('a mistyped --benchmark', async () => {
      await expectRefusal(
        base,
        () => ['backtest', '--strategy', 'sma-cross', '--symbols', 'ORCL', '--benchmark', 'ZNTY'],
        {
          code: 3,
          error: 'DATA_UNKNOWN_SYMBOL',
          culprit: 'ZNTY: no data; did you mean "ZNTX"?',
        },
      );
    });

    it('a symbol stored in another bar size only, which the provider does not serve', async () => {
      await expectRefusal(
        base,
        () => ['backtest', '--strategy', 'sma-cross', '--symbols', 'ORCL', '--timeframe', '1h'],
        {
          code: 3,
          error: 'DATA_UNKNOWN_SYMBOL',
          culprit: 'ORCL: no 1h data, and synthetic does not serve it (its 1d data here came from elsewhere)',
        },
      );
    });

    it('data fetch of an imported symbol the synthetic provider does not serve', async () => {
      await expectRefusal(
        base,
        () => ['data', 'fetch', '--symbols', 'ORCL', '--start', '2019-01-02', '--end', '2019-02-01'],
        {
          code: 3,
          error: 'DATA_UNKNOWN_SYMBOL',
          culprit: 'ORCL: synthetic does not serve it',
        },
      );
    });

    it('data validate names the nearest dataset of a symbol without data (exit 3)', async () => {
      const home = copyHome(base);
      const before = snapshot(home);
      const r = await cli(['--home', home, 'data', 'validate', '--symbols', 'ORLC']);
      expect(r.code).toBe(3);
      expect(r.stdout).toContain('ORLC: no data; did you mean "ORCL"?');
      expect(changedPaths(before, snapshot(home))).toEqual([]);
    });

    it('walkforward --sweep of a sweep that does not exist', async () => {
      await expectRefusal(base, () => ['walkforward', '--sweep', 'sweep-nope'], {
        code: 3,
        error: 'DATA_NOT_FOUND',
        culprit: 'sweep-nope',
      });
    });

    it('data fetch of a symbol the synthetic provider does not serve', async () => {
      await expectRefusal(
        base,
        () => ['data', 'fetch', '--symbols', 'FUTX', '--start', '2019-01-02', '--end', '2019-02-01'],
        {
          code: 3,
          error: 'DATA_UNKNOWN_SYMBOL',
          culprit: 'FUTX: no data',
        },
      );
    });

    it('data fetch --provider csv of a symbol without a file in data/import', async () => {
      await expectRefusal(
        base,
        () => [
          'data',
          'fetch',
          '--provider',
          'csv',
          '--symbols',
          'NVDA,ORLC',
          '--start',
          '2010-01-04',
          '--end',
          '2010-02-01',
        ],
        { code: 3, error: 'DATA_UNKNOWN_SYMBOL', culprit: 'ORLC: no data; did you mean "ORCL"?' },
        (h) => {
          mkdirSync(join(h, 'data', 'import'));
          copyFileSync(join(SHARED_DATA, 'nvda-1999-2014.txt'), join(h, 'data', 'import', 'NVDA.csv'));
        },
      );
    });

    it('data fetch of a mistyped symbol beside a good one fetches neither', async () => {
      await expectRefusal(
        base,
        () => ['data', 'fetch', '--symbols', 'VXLY,ZNTY', '--start', '2019-01-02', '--end', '2019-02-01'],
        {
          code: 3,
          error: 'DATA_UNKNOWN_SYMBOL',
          culprit: 'ZNTY: no data; did you mean "ZNTX"?',
        },
      );
    });
  });

  describe('dates after today are refused (exit 2) naming the flag', () => {
    it('data fetch --start after today', async () => {
      await expectRefusal(base, () => ['data', 'fetch', '--symbols', 'ZNTX', '--start', nextYear], {
        code: 2,
        error: 'USAGE_FUTURE_DATE',
        culprit: '--start',
      });
    });

    it('backtest --start after today', async () => {
      await expectRefusal(
        base,
        () => ['backtest', '--strategy', 'sma-cross', '--symbols', 'VXLY', '--start', nextYear],
        {
          code: 2,
          error: 'USAGE_FUTURE_DATE',
          culprit: '--start',
        },
      );
    });

    it('a run file whose start is after today', async () => {
      await expectRefusal(
        base,
        (h) => ['backtest', '--config', join(h, 'run.yaml')],
        { code: 2, error: 'USAGE_FUTURE_DATE', culprit: /run\.yaml:3, key start/ },
        runFile(`strategy: sma-cross\nsymbols: [VXLY]\nstart: ${nextYear}\n`),
      );
    });

    it('backtest --start after today on stored data', async () => {
      await expectRefusal(
        base,
        () => ['backtest', '--strategy', 'sma-cross', '--symbols', 'ORCL', '--start', nextYear],
        {
          code: 2,
          error: 'USAGE_FUTURE_DATE',
          culprit: '--start',
        },
      );
    });

    it('sweep --start after today', async () => {
      await expectRefusal(base, () => ['sweep', ...SWEEP, '--symbols', 'VXLY', '--start', nextYear], {
        code: 2,
        error: 'USAGE_FUTURE_DATE',
        culprit: '--start',
      });
    });
  });

  describe('a workspace folder that does not exist is refused (exit 2) and not created', () => {
    it.each([
      ['data ls', ['data', 'ls']],
      ['backtest', ['backtest', '--strategy', 'sma-cross', '--symbols', 'ZNTX']],
      ['data fetch', ['data', 'fetch', '--symbols', 'ZNTX']],
      ['config show', ['config', 'show']],
    ])('%s --home TYPO', async (_, argv) => {
      let typo = '';
      await expectRefusal(
        base,
        (h) => {
          typo = join(h, 'no-such-workspace');
          return [...argv, '--home', typo];
        },
        { code: 2, error: 'USAGE_NO_WORKSPACE', culprit: 'no-such-workspace' },
      );
      expect(existsSync(typo)).toBe(false);
    });

    it('--home naming a file', async () => {
      await expectRefusal(
        base,
        (h) => ['data', 'ls', '--home', join(h, 'a-file')],
        { code: 2, error: 'USAGE_NO_WORKSPACE', culprit: 'a-file' },
        (h) => writeFileSync(join(h, 'a-file'), 'x'),
      );
    });

    it('--init with --home naming a file', async () => {
      await expectRefusal(
        base,
        (h) => ['data', 'ls', '--home', join(h, 'a-file'), '--init'],
        { code: 2, error: 'USAGE_NO_WORKSPACE', culprit: 'a-file is a file' },
        (h) => writeFileSync(join(h, 'a-file'), 'x'),
      );
    });
  });

  describe('bad run files are refused (exit 2) naming the file and key', () => {
    const backtestRun = (h: string): string[] => ['backtest', '--config', join(h, 'run.yaml')];
    it.each([
      ['an unknown key', 'strategy: sma-cross\nsymbolz: [ZNTX]\n', 'CONFIG_UNKNOWN_KEY', 'symbolz'],
      ['a value of the wrong type', 'strategy: sma-cross\ncash: lots\n', 'CONFIG_INVALID_VALUE', 'cash'],
      ['a secret key', 'strategy: sma-cross\napi_secret_key: abc123\n', 'CONFIG_SECRET_IN_FILE', 'api_secret_key'],
      [
        'a secret in a section',
        'strategy: sma-cross\ncosts:\n  password: abc123\n',
        'CONFIG_SECRET_IN_FILE',
        'costs.password',
      ],
      ['a YAML syntax error', 'strategy: sma-cross\nsymbols: [ZNTX\n', 'CONFIG_PARSE', 'run.yaml'],
      ['an empty file', '', 'CONFIG_INVALID_VALUE', 'strategy is missing'],
      ['a list at the top', '- sma-cross\n', 'CONFIG_INVALID_VALUE', 'run.yaml'],
      ['an unknown strategy', 'strategy: sma-crossx\n', 'CONFIG_INVALID_VALUE', 'sma-crossx'],
      ['start after end', 'strategy: sma-cross\nstart: 2020-01-01\nend: 2019-01-01\n', 'CONFIG_INVALID_VALUE', 'start'],
      ['a date that does not exist', 'strategy: sma-cross\nstart: 2019-02-30\n', 'CONFIG_INVALID_VALUE', 'start'],
    ])('%s', async (_, text, error, culprit) => {
      await expectRefusal(base, backtestRun, { code: 2, error, culprit }, runFile(text));
    });

    it('a secret key does not echo its value', async () => {
      const { result } = await expectRefusal(
        base,
        backtestRun,
        { code: 2, error: 'CONFIG_SECRET_IN_FILE', culprit: 'api_secret_key' },
        runFile('strategy: sma-cross\napi_secret_key: hunter2-abc123\n'),
      );
      expect(result.stdout + result.stderr).not.toContain('hunter2-abc123');
    });

    it('a run file that is a folder', async () => {
      await expectRefusal(
        base,
        (h) => ['backtest', '--config', join(h, 'runs')],
        { code: 2, error: 'CONFIG_FILE_NOT_FOUND', culprit: 'runs' },
        (h) => mkdirSync(join(h, 'runs')),
      );
    });

    it('a run file that does not exist', async () => {
      await expectRefusal(base, (h) => ['backtest', '--config', join(h, 'nope.yaml')], {
        code: 2,
        error: 'CONFIG_FILE_NOT_FOUND',
        culprit: 'nope.yaml',
      });
    });

    it('a sweep of a run file holding a secret', async () => {
      await expectRefusal(
        base,
        (h) => ['sweep', '--config', join(h, 'run.yaml'), '--param', 'fast=5,10'],
        { code: 2, error: 'CONFIG_SECRET_IN_FILE', culprit: 'api_token' },
        runFile('strategy: sma-cross\nsymbols: [ZNTX]\napi_token: abc\n'),
      );
    });

    it('a global --config that is a folder', async () => {
      await expectRefusal(
        base,
        (h) => ['--config', join(h, 'cfg'), 'data', 'ls'],
        { code: 2, error: 'CONFIG_FILE_NOT_FOUND', culprit: 'cfg' },
        (h) => mkdirSync(join(h, 'cfg')),
      );
    });
  });

  describe('bad flags are refused (exit 2) naming the flag or value', () => {
    const BT = ['backtest', '--strategy', 'sma-cross', '--symbols', 'ZNTX'];
    it.each([
      [
        '--start after --end',
        [...BT, '--start', '2020-01-01', '--end', '2019-01-01'],
        'USAGE_INVALID_RANGE',
        '--start',
      ],
      ['--start 2019-02-30', [...BT, '--start', '2019-02-30'], 'USAGE_INVALID_DATE', '2019-02-30'],
      ['--end 2019-13-01', [...BT, '--end', '2019-13-01'], 'USAGE_INVALID_DATE', '2019-13-01'],
      ['--cash -1', [...BT, '--cash', '-1'], 'USAGE_INVALID_OPTION', '--cash'],
      ['--cash abc', [...BT, '--cash', 'abc'], 'USAGE_INVALID_OPTION', '--cash'],
      ['--timeframe 7m', [...BT, '--timeframe', '7m'], 'USAGE_INVALID_OPTION', '7m'],
      ['--fees bogus', [...BT, '--fees', 'bogus'], 'CONFIG_INVALID_VALUE', 'bogus'],
      ['--param without =', [...BT, '--param', 'fast'], 'USAGE_INVALID_OPTION', 'fast'],
      [
        '--symbols with a space',
        ['backtest', '--strategy', 'sma-cross', '--symbols', 'ZN TX'],
        'USAGE_INVALID_SYMBOL',
        'ZN TX',
      ],
      [
        'data fetch --provider nope',
        ['data', 'fetch', '--provider', 'nope', '--symbols', 'ZNTX'],
        'CONFIG_INVALID_VALUE',
        'nope',
      ],
      [
        'data fetch --provider a chain with nope',
        ['data', 'fetch', '--provider', 'synthetic,nope', '--symbols', 'ZNTX'],
        'USAGE_INVALID_OPTION',
        'nope',
      ],
      [
        'data fetch --start after --end',
        ['data', 'fetch', '--symbols', 'ZNTX', '--start', '2020-01-01', '--end', '2019-01-01'],
        'USAGE_INVALID_RANGE',
        '--start',
      ],
      [
        'data fetch --timeframe 7m',
        ['data', 'fetch', '--symbols', 'ZNTX', '--timeframe', '7m'],
        'USAGE_INVALID_OPTION',
        '7m',
      ],
      [
        'sweep --start after --end',
        ['sweep', ...SWEEP, '--symbols', 'ZNTX', '--start', '2020-01-01', '--end', '2019-01-01'],
        'USAGE_INVALID_RANGE',
        '--start',
      ],
      [
        'walkforward --train 0',
        ['walkforward', ...SWEEP, '--symbols', 'ZNTX', '--train', '0'],
        'USAGE_INVALID_OPTION',
        '--train',
      ],
    ])('%s', async (_, argv, error, culprit) => {
      await expectRefusal(base, () => argv, { code: 2, error, culprit });
    });
  });
});

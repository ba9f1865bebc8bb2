import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configReport, DEFAULTS, loadConfig } from '../../src/config/index.js';
import { REPO } from '../support/paths.js';
import { tempDir } from '../support/cli.js';

function workspace(files: Record<string, string> = {}): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function thrown(f: () => unknown): Record<string, unknown> {
  try {
    f();
  } catch (e) {
    return e as Record<string, unknown>;
  }
  throw new Error('expected an error');
}

describe('config layering', () => {
  it('uses the built-in defaults with no files, env or flags', () => {
    const cwd = workspace();
    const loaded = loadConfig({ cwd, env: {} });
    expect(loaded.config).toEqual(DEFAULTS);
    expect(loaded.files).toEqual([]);
    expect(loaded.sources.get('data.provider')).toBe('default');
  });

  it('ships config/base.yaml with exactly the built-in defaults', () => {
    expect(parse(readFileSync(join(REPO, 'config', 'base.yaml'), 'utf8'))).toEqual(DEFAULTS);
  });

  it('layers base.yaml <- --config <- .env <- environment <- flags, recording each source', () => {
    const cwd = workspace({
      'config/base.yaml': 'market: 24/7\ndata:\n  timeframe: 1h\n  format: parquet\nhttp:\n  retries: 2\n',
      'extra.yaml': 'data:\n  timeframe: 5m\n  provider: csv\nhttp:\n  retries: 3\n',
      '.env': 'MOMENTIC_DATA__PROVIDER=binance\nMOMENTIC_HTTP__RETRIES=4\n',
    });
    const loaded = loadConfig({
      cwd,
      configFile: 'extra.yaml',
      env: { MOMENTIC_HTTP__RETRIES: '7', MOMENTIC_LOG_LEVEL: 'warn' },
      flags: [{ path: 'log.level', value: 'debug', flag: '--log-level' }],
    });
    const c = loaded.config;
    expect(c.market).toBe('24/7');
    expect(c.data.format).toBe('parquet');
    expect(c.data.timeframe).toBe('5m');
    expect(c.data.provider).toBe('binance');
    expect(c.http.retries).toBe(7);
    expect(c.log.level).toBe('debug');
    expect(c.venues.alpaca.paper).toBe(true);
    const s = loaded.sources;
    expect(s.get('market')).toBe('file:config/base.yaml');
    expect(s.get('data.timeframe')).toBe('file:extra.yaml');
    expect(s.get('data.provider')).toBe('.env:MOMENTIC_DATA__PROVIDER');
    expect(s.get('http.retries')).toBe('env:MOMENTIC_HTTP__RETRIES');
    expect(s.get('log.level')).toBe('flag:--log-level');
    expect(s.get('risk.max_positions')).toBe('default');
    expect(loaded.files).toEqual(['config/base.yaml', 'extra.yaml']);
  });

  it('coerces environment text to numbers, booleans and lists', () => {
    const loaded = loadConfig({
      cwd: workspace(),
      env: {
        MOMENTIC_VENUES__ALPACA__PAPER: 'false',
        MOMENTIC_RISK__MAX_POSITIONS: '12',
        MOMENTIC_DATA__SYMBOLS: 'AAPL, MSFT,SPY',
      },
    });
    expect(loaded.config.venues.alpaca.paper).toBe(false);
    expect(loaded.config.risk.max_positions).toBe(12);
    expect(loaded.config.data.symbols).toEqual(['AAPL', 'MSFT', 'SPY']);
  });

  it('reads MOMENTIC_HOME and MOMENTIC_CONFIG', () => {
    const home = workspace({ 'config/base.yaml': 'market: 24/7\n', 'other.yaml': 'data:\n  format: parquet\n' });
    const loaded = loadConfig({
      cwd: tempDir(),
      env: { MOMENTIC_HOME: home, MOMENTIC_CONFIG: join(home, 'other.yaml') },
    });
    expect(loaded.home).toBe(home);
    expect(loaded.config.market).toBe('24/7');
    expect(loaded.config.data.format).toBe('parquet');
  });
});

describe('config errors', () => {
  it('rejects a misspelled key in a file with its line and the nearest key', () => {
    const cwd = workspace({ 'my.yaml': 'market: XNYS\ndata:\n  timeframe: 1d\n  provdier: csv\n' });
    const e = thrown(() => loadConfig({ cwd, env: {}, configFile: 'my.yaml' }));
    expect(e.code).toBe('CONFIG_UNKNOWN_KEY');
    expect(e.exitCode).toBe(2);
    expect(e.context).toMatchObject({ file: 'my.yaml', row: 4, key: 'data.provdier' });
    expect(e.hint).toContain('did you mean "data.provider"?');
  });

  it('rejects an unknown top-level section and an unknown MOMENTIC_ variable', () => {
    const cwd = workspace({ 'config/base.yaml': 'risk:\n  max_positions: 3\nbacktset:\n  cash: 1\n' });
    expect(thrown(() => loadConfig({ cwd, env: {} }))).toMatchObject({
      code: 'CONFIG_UNKNOWN_KEY',
      context: { file: 'config/base.yaml', row: 3, key: 'backtset' },
    });
    const e = thrown(() => loadConfig({ cwd: workspace(), env: { MOMENTIC_DATA__PROVDIER: 'csv' } }));
    expect(e).toMatchObject({ code: 'CONFIG_UNKNOWN_KEY', context: { key: 'MOMENTIC_DATA__PROVDIER' } });
    expect(e.hint).toContain('did you mean MOMENTIC_DATA__PROVIDER?');
  });

  it('rejects a value of the wrong type or outside its choices, naming the source', () => {
    const cwd = workspace({ 'c.yaml': 'data:\n  provider: yahoo\n' });
    const e = thrown(() => loadConfig({ cwd, env: {}, configFile: 'c.yaml' }));
    expect(e).toMatchObject({
      code: 'CONFIG_INVALID_VALUE',
      context: { file: 'c.yaml', row: 2, key: 'data.provider' },
    });
    expect(e.hint).toContain('synthetic');
    const f = thrown(() => loadConfig({ cwd: workspace(), env: { MOMENTIC_RISK__MAX_POSITIONS: 'many' } }));
    expect(f).toMatchObject({ code: 'CONFIG_INVALID_VALUE', context: { key: 'risk.max_positions' } });
    expect(String(f.message)).toContain('"many"');
    const g = thrown(() =>
      loadConfig({ cwd: workspace({ 'c.yaml': 'risk:\n  max_position: 1.5\n' }), env: {}, configFile: 'c.yaml' }),
    );
    expect(g).toMatchObject({ code: 'CONFIG_INVALID_VALUE', context: { key: 'risk.max_position', row: 2 } });
  });

  it('rejects a section given as a scalar', () => {
    const e = thrown(() => loadConfig({ cwd: workspace({ 'c.yaml': 'data: csv\n' }), env: {}, configFile: 'c.yaml' }));
    expect(e).toMatchObject({ code: 'CONFIG_INVALID_VALUE', context: { key: 'data', row: 1 } });
  });

  it('reports a missing --config file', () => {
    const e = thrown(() => loadConfig({ cwd: workspace(), env: {}, configFile: 'nope.yaml' }));
    expect(e).toMatchObject({ code: 'CONFIG_FILE_NOT_FOUND', exitCode: 2, context: { file: 'nope.yaml' } });
  });

  it('reports YAML syntax errors with their line', () => {
    const e = thrown(() =>
      loadConfig({
        cwd: workspace({ 'c.yaml': 'market: XNYS\ndata:\n  provider: [csv\n' }),
        env: {},
        configFile: 'c.yaml',
      }),
    );
    expect(e.code).toBe('CONFIG_PARSE');
    expect((e.context as { row: number }).row).toBeGreaterThanOrEqual(3);
  });

  it('refuses secrets in config files and points to the environment', () => {
    const e = thrown(() =>
      loadConfig({
        cwd: workspace({ 'c.yaml': 'venues:\n  alpaca:\n    paper: true\n    api_key: PKABCDEF123\n' }),
        env: {},
        configFile: 'c.yaml',
      }),
    );
    // api_key is not a schema key: it is refused as a secret, not as an unknown key.
    expect(e).toMatchObject({
      code: 'CONFIG_SECRET_IN_FILE',
      exitCode: 2,
      context: { file: 'c.yaml', row: 4, key: 'venues.alpaca.api_key' },
    });
    expect(e.hint).toContain('APCA_API_KEY_ID');
    expect(JSON.stringify(e)).not.toContain('PKABCDEF123');
    const f = thrown(() =>
      loadConfig({
        cwd: workspace({ 'c.yaml': 'database:\n  url: postgres://trader:s3cretpw@db:5432/prod\n' }),
        env: {},
        configFile: 'c.yaml',
      }),
    );
    expect(f).toMatchObject({
      code: 'CONFIG_SECRET_IN_FILE',
      context: { file: 'c.yaml', row: 2, key: 'database.url' },
    });
    expect(f.hint).toContain('MOMENTIC_DATABASE_URL');
    expect(JSON.stringify(f)).not.toContain('s3cretpw');
  });

  it.each([
    ['venues:\n  alpaca:\n    api_secret_key: abc123456\n', 3, 'venues.alpaca.api_secret_key', 'APCA_API_SECRET_KEY'],
    [
      'venues:\n  binance:\n    testnet: true\n    secret: abc123456\n',
      4,
      'venues.binance.secret',
      'BINANCE_API_SECRET',
    ],
    ['venues:\n  polygon:\n    token: abc123456\n', 3, 'venues.polygon.token', 'POLYGON_API_KEY'],
    ['http:\n  password: abc123456\n', 2, 'http.password', 'MOMENTIC_API_TOKEN'],
  ])(
    'refuses a secret-looking key that the schema does not know as CONFIG_SECRET_IN_FILE (%#)',
    (text, row, key, env) => {
      const e = thrown(() => loadConfig({ cwd: workspace({ 'c.yaml': text }), env: {}, configFile: 'c.yaml' }));
      expect(e).toMatchObject({ code: 'CONFIG_SECRET_IN_FILE', context: { file: 'c.yaml', row, key } });
      expect(e.hint).toContain(env);
    },
  );
});

describe('config report', () => {
  it('lists every key with its source, masks URL passwords and shows credentials only as set or not', () => {
    const loaded = loadConfig({
      cwd: workspace(),
      env: {
        MOMENTIC_DATABASE_URL: 'postgres://u:pw-secret-1@127.0.0.1:5432/test',
        APCA_API_KEY_ID: 'PK-SECRET-ID',
      },
    });
    const r = configReport(loaded);
    const db = r.entries.find((e) => e.key === 'database.url');
    expect(db).toEqual({
      key: 'database.url',
      value: 'postgres://u:***@127.0.0.1:5432/test',
      source: 'env:MOMENTIC_DATABASE_URL',
    });
    expect(r.entries).toHaveLength(Object.keys(flatten(DEFAULTS)).length);
    const alpaca = r.credentials.find((c) => c.venue === 'alpaca');
    expect(alpaca?.variables).toEqual([
      { name: 'APCA_API_KEY_ID', isSet: true },
      { name: 'APCA_API_SECRET_KEY', isSet: false },
    ]);
    expect(JSON.stringify(r)).not.toMatch(/pw-secret-1|PK-SECRET-ID/);
  });
});

function flatten(o: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v))
      Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else out[prefix + k] = v;
  }
  return out;
}

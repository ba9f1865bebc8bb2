/**
 * `momentic pipeline` at the command line: pipeline files with bad keys or values exit 2 naming
 * the file, line, key and fix; a failed step raises `pipeline_failed` through the notifier;
 * `pipeline ls` and `show` read the days back from the ledger. The full day, its rerun and its
 * resume are in test/orchestration/pipeline/ (on SQLite and PostgreSQL).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../support/alert-receivers.js';
import { cli, tempDir } from '../support/cli.js';
import { REPO } from '../support/paths.js';

const SHIPPED = join(REPO, 'config', 'pipeline');

/** A workspace whose config/pipeline/daily.yaml is `yaml`, beside the shipped run file. */
function workspace(yaml: string, runFile?: string): { home: string; file: string } {
  const home = tempDir('momentic-pipeline-cli-');
  const dir = join(home, 'config', 'pipeline');
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(SHIPPED, 'eod-sma-cross.yaml'), join(dir, 'eod-sma-cross.yaml'));
  if (runFile !== undefined) writeFileSync(join(dir, 'intraday.yaml'), runFile);
  const file = join(dir, 'daily.yaml');
  writeFileSync(file, yaml);
  return { home, file };
}

describe('pipeline files: a bad key or value exits 2 naming it and the fix', () => {
  const cases: [string, string, string, string][] = [
    [
      'a misspelt key',
      'trade:\n  run: eod-sma-cross.yaml\n  moed: paper\n',
      'CONFIG_UNKNOWN_KEY at {file}:3, key trade.moed',
      'Fix: did you mean "mode"? known keys of trade: run, mode',
    ],
    [
      'an unknown top-level key',
      'schedule: daily\ntrade:\n  run: eod-sma-cross.yaml\n',
      'CONFIG_UNKNOWN_KEY at {file}:1, key schedule',
      'known keys: name, description, market, data, features, trade, drift',
    ],
    [
      'a mode that is not one',
      'trade:\n  run: eod-sma-cross.yaml\n  mode: papr\n',
      'CONFIG_INVALID_VALUE at {file}:3, key trade.mode',
      'Fix: set trade.mode to paper (the simulated exchange) or live (the venue of the run file)',
    ],
    [
      'a provider that is not one',
      'data:\n  provider: [alpaca, polgon]\ntrade:\n  run: eod-sma-cross.yaml\n',
      'key data.provider.1: {file}: data.provider.1: polgon is not a data provider',
      'Fix: did you mean "polygon"?',
    ],
    [
      'history below one session',
      'data:\n  history: 0\ntrade:\n  run: eod-sma-cross.yaml\n',
      'CONFIG_INVALID_VALUE at {file}:2, key data.history',
      'Fix: set data.history to a whole number of sessions, e.g. 300',
    ],
    [
      'no run file',
      'name: daily\n',
      'key trade: {file}: trade is missing',
      'Fix: set trade to a mapping with the run file',
    ],
    [
      'a run file that does not exist',
      'trade:\n  run: nothere.yaml\n',
      'CONFIG_FILE_NOT_FOUND at {file}:2, key trade.run',
      'Fix: give the run file relative to the pipeline file',
    ],
    [
      'an unknown calendar',
      'market: XLON\ntrade:\n  run: eod-sma-cross.yaml\n',
      'CONFIG_INVALID_VALUE at {file}:1, key market',
      'Fix: ',
    ],
  ];
  for (const [what, yaml, error, fix] of cases) {
    it(`${what}`, async () => {
      const { home, file } = workspace(yaml);
      const r = await cli(['--home', home, 'pipeline', 'daily', '--date', '2024-06-03']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(error.replace('{file}', file));
      expect(r.stderr).toContain(fix);
    });
  }

  it('a run file of intraday bars: the pipeline trades end-of-day strategies', async () => {
    const run = readFileSync(join(SHIPPED, 'eod-sma-cross.yaml'), 'utf8').replace('timeframe: 1d', 'timeframe: 1h');
    const { home } = workspace('trade:\n  run: intraday.yaml\n', run);
    const r = await cli(['--home', home, 'pipeline', 'daily', '--date', '2024-06-03']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('timeframe is 1h: the daily pipeline trades end-of-day strategies on daily bars');
    expect(r.stderr).toContain('Fix: set timeframe: 1d in the run file');
  });

  it('--force names a step, --date a session that has closed', async () => {
    const { home } = workspace('trade:\n  run: eod-sma-cross.yaml\n');
    const force = await cli(['--home', home, 'pipeline', 'daily', '--force', 'trades']);
    expect(force.code).toBe(2);
    expect(force.stderr).toContain('USAGE_INVALID_OPTION');
    expect(force.stderr).toContain('fetch, validate, features, universe, trade, reconcile, drift, report');
    const future = await cli(['--home', home, 'pipeline', 'daily', '--date', '2035-06-01']);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('USAGE_FUTURE_DATE');
  });
});

describe('a failed step', () => {
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it('raises pipeline_failed through the notifier, exits with its code and reads back with ls and show', async () => {
    receiver = await startWebhookReceiver('/hook');
    // polygon without its key: the fetch step cannot authenticate (no request is made).
    const { home } = workspace('data:\n  provider: polygon\ntrade:\n  run: eod-sma-cross.yaml\n');
    const env = { MOMENTIC_ALERTS__WEBHOOK__ENABLED: 'true', MOMENTIC_ALERTS_WEBHOOK_URL: receiver.url };
    const r = await cli(['--home', home, 'pipeline', 'daily', '--date', '2024-06-03'], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('VenueError VENUE_AUTH');
    expect(r.stdout).toContain('trade      skipped  0                fetch failed: VENUE_AUTH');
    expect(receiver.posts).toHaveLength(1);
    const body = receiver.posts[0]?.body as { text: string; blocks: { fields?: { text: string }[] }[] };
    expect(body.text).toMatch(/^\[CRITICAL\] pipeline daily failed at fetch: VENUE_AUTH: polygon API key is not set/);
    const fields = body.blocks.find((b) => b.fields !== undefined)?.fields?.map((f) => f.text);
    expect(fields).toEqual(expect.arrayContaining(['*step*\nfetch', '*code*\nVENUE_AUTH', '*exit*\n4']));

    const ls = await cli(['--home', home, '--json', 'pipeline', 'ls']);
    expect(ls.code).toBe(0);
    expect(JSON.parse(ls.stdout)).toMatchObject([
      { pipeline: 'daily', date: '2024-06-03', status: 'failed', failed_step: 'fetch', attempts: 1 },
    ]);
    const show = await cli(['--home', home, 'pipeline', 'show', '2024-06-03']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('daily 2024-06-03: failed after 1 attempt');
    expect(show.stdout).toContain('why: VENUE_AUTH: polygon API key is not set');
    const missing = await cli(['--home', home, 'pipeline', 'show', '2024-06-04']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('the daily pipeline has no day 2024-06-04 in the ledger');
  });

  it('a ledger it cannot reach: nothing runs, the day is alerted at "ledger", exit 4', async () => {
    receiver = await startWebhookReceiver('/hook');
    const { home } = workspace('trade:\n  run: eod-sma-cross.yaml\n');
    const env = {
      MOMENTIC_ALERTS__WEBHOOK__ENABLED: 'true',
      MOMENTIC_ALERTS_WEBHOOK_URL: receiver.url,
      MOMENTIC_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing',
    };
    const r = await cli(['--home', home, 'pipeline', 'daily', '--date', '2024-06-03'], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('LEDGER_UNAVAILABLE');
    const body = receiver.posts[0]?.body as { text: string };
    expect(body.text).toMatch(/^\[CRITICAL\] pipeline daily failed at ledger: LEDGER_UNAVAILABLE: /);
    expect(existsSync(join(home, 'data', 'raw'))).toBe(false);
  });
});

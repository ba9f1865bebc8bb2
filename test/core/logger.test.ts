import { describe, expect, it } from 'vitest';
import { componentLogger, createLogger } from '../../src/core/index.js';
import { cli } from '../support/cli.js';

describe('logger', () => {
  it('writes JSON lines carrying the run id and the component of child loggers', async () => {
    const lines: string[] = [];
    const log = await createLogger({ level: 'info', runId: '20261121T161600Z-abc123', write: (l) => lines.push(l) });
    componentLogger(log, 'data.fetch').info({ symbol: 'AAPL', rows: 252 }, 'fetched');
    log.debug('hidden below the level');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 30,
      runId: '20261121T161600Z-abc123',
      component: 'data.fetch',
      symbol: 'AAPL',
      rows: 252,
      msg: 'fetched',
    });
  });

  it('follows --log-level from the CLI, on stderr only', async () => {
    const quiet = await cli(['doctor']);
    expect(quiet.stderr).toBe('');
    const loud = await cli(['--log-level', 'debug', 'doctor']);
    const records = loud.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.length).toBeGreaterThan(3);
    expect(records[0]).toMatchObject({ level: 20, component: 'doctor', check: 'node' });
    expect(loud.stdout).toContain('momentic is ready');
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDatabase, checkNode, checkRedis, WORKSPACE_DIRS } from '../../src/orchestration/doctor.js';
import { cli, tempDir } from '../support/cli.js';

// PostgreSQL and Redis run on this machine kind (and in CI) on their standard ports.
const PG = 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = 'redis://127.0.0.1:6379';

describe('doctor', () => {
  it('reaches the real PostgreSQL and Redis when configured', async () => {
    const r = await cli(['--json', 'doctor'], { env: { MOMENTIC_DATABASE_URL: PG, MOMENTIC_REDIS_URL: REDIS } });
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: { name: string; status: string; detail: string }[] };
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName.database).toMatchObject({ status: 'ok' });
    expect(byName.database?.detail).toMatch(/^PostgreSQL \d+/);
    expect(byName.redis).toMatchObject({ status: 'ok' });
    expect(byName.redis?.detail).toMatch(/^Redis \d+\.\d+/);
    expect(r.code).toBe(0);
    expect(report.ok).toBe(true);
  });

  it('fails with exit 4 when a configured service is unreachable', async () => {
    const db = await checkDatabase('postgres://postgres@127.0.0.1:1/test', tempDir(), 1000);
    expect(db).toMatchObject({ status: 'fail', exitCode: 4 });
    const redis = await checkRedis('redis://127.0.0.1:1', 1000);
    expect(redis).toMatchObject({ status: 'fail', exitCode: 4 });
    const r = await cli(['doctor'], { env: { MOMENTIC_REDIS_URL: 'redis://127.0.0.1:1' } });
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/FAIL\s+redis\s+cannot reach redis:\/\/127\.0\.0\.1:1/);
  });

  it('rejects a database URL that is not PostgreSQL', async () => {
    expect(await checkDatabase('mysql://root@127.0.0.1/test', tempDir())).toMatchObject({
      status: 'fail',
      exitCode: 2,
    });
  });

  it('checks the Node version against 20.19', () => {
    expect(checkNode('20.19.0').status).toBe('ok');
    expect(checkNode('22.1.0').status).toBe('ok');
    expect(checkNode('20.18.3')).toMatchObject({ status: 'fail', exitCode: 2 });
  });

  it('warns about missing workspace folders and creates them with --fix', async () => {
    const home = tempDir();
    const warn = await cli(['--home', home, 'doctor']);
    expect(warn.code).toBe(0);
    expect(warn.stdout).toMatch(/warn\s+workspace .*missing data\/raw/);
    expect(warn.stdout).toContain('Fix: run momentic doctor --fix');
    const fixed = await cli(['--home', home, 'doctor', '--fix']);
    expect(fixed.stdout).toMatch(/ok\s+workspace .*created/);
    for (const d of WORKSPACE_DIRS) expect(existsSync(join(home, d))).toBe(true);
    expect(fixed.stdout).toContain('momentic is ready');
  });

  it('shows which credentials are set without their values', async () => {
    const r = await cli(['doctor'], { env: { BINANCE_API_KEY: 'bk-9988776655', POLYGON_API_KEY: '' } });
    expect(r.stdout).toMatch(/credentials\.binance\s+BINANCE_API_KEY set, BINANCE_API_SECRET not set/);
    expect(r.stdout).toMatch(/credentials\.polygon\s+POLYGON_API_KEY not set/);
    expect(r.stdout).not.toContain('bk-9988776655');
  });
});

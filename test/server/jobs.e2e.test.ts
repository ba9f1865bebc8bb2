/**
 * Backtests and sweeps asked of the API: each a real `momentic` child process (the built CLI,
 * `npm run build` first) on a workspace with ORCL's daily bars and the SQLite ledger. A backtest
 * job makes the run `momentic backtest` makes with the same flags (the same metrics, checked
 * against the CLI run here), its progress is published in order and ends in `succeeded`; a bad
 * symbol fails with the CLI's error; jobs in line and running are cancelled; bodies are checked
 * before anything runs. Slow (a few CLI processes): its own file.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorSchema } from '../../src/server/schemas/common.js';
import { cli, tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';
import { bearer, RecordingFeed, testServer, type TestServer } from './support.js';

interface JobJson {
  job_id: string;
  kind: string;
  status: string;
  progress: number;
  message: string | null;
  result_id: string | null;
  error: { code: string; exitCode: number; message: string; hint: string } | null;
  actor: string;
  ended_at: string | null;
}

/** The golden sma-cross run of ORCL, as flags and as the API's fields. */
const FLAGS = [
  '--strategy', 'sma-cross', '--symbols', 'ORCL', '--param', 'fast=1', '--param', 'slow=15', '--param', 'qty=1',
  '--cash', '10000', '--fees', 'none', '--slippage', 'none', '--start', '1995-01-01', '--end', '2014-12-31',
]; // prettier-ignore
const BODY = {
  strategy: 'sma-cross',
  symbols: ['ORCL'],
  params: { fast: 1, slow: 15, qty: 1 },
  cash: 10000,
  fees: 'none',
  slippage: 'none',
  start: '1995-01-01',
  end: '2014-12-31',
};

describe('jobs: backtests and sweeps through the API', () => {
  let home: string;
  let s: TestServer;
  const feed = new RecordingFeed();

  beforeAll(async () => {
    home = tempDir('momentic-jobs-');
    const r = await cli([
      '--home',
      home,
      '--init',
      'data',
      'import',
      '--file',
      join(SHARED_DATA, 'orcl-1995-2014.txt'),
      '--symbol',
      'ORCL',
    ]);
    expect(r.code, r.stderr).toBe(0);
    s = await testServer({ home, feed });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  const post = (url: string, payload: unknown, token = s.tokens.operator) =>
    s.app.inject({ method: 'POST', url, headers: bearer(token), payload: payload as object });
  const get = async (url: string) => {
    const r = await s.app.inject({ url, headers: bearer(s.tokens.viewer) });
    return { status: r.statusCode, body: JSON.parse(r.body) as Record<string, unknown> };
  };
  const tokenId = (token: string): string => token.slice('mtk_'.length, 'mtk_'.length + 12);

  async function submit(url: string, payload: unknown): Promise<string> {
    const r = await post(url, payload);
    expect(r.statusCode, r.body).toBe(202);
    const body = JSON.parse(r.body) as { job_id: string; status: string };
    expect(body.status).toBe('queued');
    expect(r.headers.location).toBe(`/api/jobs/${body.job_id}`);
    return body.job_id;
  }
  async function until(id: string, check: (j: JobJson) => boolean, ms = 60_000): Promise<JobJson> {
    const t0 = Date.now();
    for (;;) {
      const j = (await get(`/api/jobs/${id}`)).body as unknown as JobJson;
      if (check(j)) return j;
      if (Date.now() - t0 > ms) throw new Error(`job ${id} stayed ${JSON.stringify(j)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const ended = (id: string) => until(id, (j) => j.ended_at !== null);

  it('runs a backtest to success: its run is in /api/runs with the metrics of the same CLI backtest', async () => {
    const id = await submit('/api/backtests', BODY);
    const job = await ended(id);
    expect(job).toMatchObject({ kind: 'backtest', status: 'succeeded', progress: 1, error: null });
    expect(job.actor).toBe(`token:${tokenId(s.tokens.operator)}`);
    const runId = job.result_id as string;
    const run = await get(`/api/runs/${runId}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ kind: 'backtest', strategy: 'sma-cross', params: { fast: 1, slow: 15, qty: 1 } });

    // The same run by the CLI, in-process, on the same workspace.
    const byCli = await cli(['--home', home, '--json', 'backtest', ...FLAGS]);
    expect(byCli.code, byCli.stderr).toBe(0);
    const cliOut = JSON.parse(byCli.stdout) as { run_id: string; metrics: Record<string, unknown> };
    expect(cliOut.run_id).not.toBe(runId);
    const cliRun = await get(`/api/runs/${cliOut.run_id}`);
    expect(run.body.metrics).toEqual(cliRun.body.metrics);
    expect(run.body.metrics).toEqual(cliOut.metrics);
    // Not a run that did nothing: the golden run trades.
    expect((run.body.metrics as { trades: number }).trades).toBeGreaterThan(100);
    expect(run.body.spec).toEqual(cliRun.body.spec);

    // Its progress on the feed, in order: queued, running (the engine's bars), succeeded.
    const updates = feed.of('jobs').filter((u) => u.job_id === id);
    expect(updates[0]).toMatchObject({ status: 'queued', progress: 0, kind: 'backtest' });
    expect(updates.at(-1)).toMatchObject({ status: 'succeeded', progress: 1, result_id: runId });
    const statuses = [...new Set(updates.map((u) => u.status))];
    expect(statuses).toEqual(['queued', 'running', 'succeeded']);
    const engine = updates.filter((u) => u.status === 'running' && /^backtest: \d+\/\d+$/.test(u.message ?? ''));
    expect(engine.length).toBeGreaterThan(0);
    // ORCL 1995-2014 has 5036 sessions: the engine reports them all before the job ends.
    expect(engine.at(-1)?.message).toBe('backtest: 5036/5036');
    const progress = updates.map((u) => u.progress as number);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1] as number);
  }, 120_000);

  it('runs a backtest from a run file object: the same run as the flags', async () => {
    const { strategy, symbols, params, cash, start, end } = BODY;
    const id = await submit('/api/backtests', {
      run_file: { strategy, symbols, params, cash, start, end, costs: { fees: 'none', slippage: 'none' } },
    });
    const job = await ended(id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const byFile = await get(`/api/runs/${job.result_id}`);
    // The newest run in the ledger.
    const [first] = (await get('/api/runs?kind=backtest')).body.items as { run_id: string }[];
    expect(first?.run_id).toBe(job.result_id);
    const byFlags = await cli(['--home', home, '--json', 'backtest', ...FLAGS]);
    expect(byFile.body.metrics).toEqual((JSON.parse(byFlags.stdout) as { metrics: unknown }).metrics);
  }, 120_000);

  it('fails a backtest of a symbol with no data, with the CLI error in the JSON error shape', async () => {
    const id = await submit('/api/backtests', { ...BODY, symbols: ['NOPE'] });
    const job = await ended(id);
    expect(job.status).toBe('failed');
    expect(job.result_id).toBeNull();
    expect(errorSchema.shape.error.safeParse(job.error).success).toBe(true);
    expect(job.error).toMatchObject({
      code: 'DATA_UNKNOWN_SYMBOL',
      kind: 'data',
      exitCode: 3,
      message: 'NOPE: no data',
    });
    expect(job.message).toBe('NOPE: no data');
    expect(
      feed
        .of('jobs')
        .filter((u) => u.job_id === id)
        .at(-1),
    ).toMatchObject({ status: 'failed' });
  }, 60_000);

  it('runs a sweep: its id is a sweep the read API serves', async () => {
    const id = await submit('/api/sweeps', {
      strategy: 'sma-cross',
      symbols: ['ORCL'],
      params: { fast: '2..4:2', slow: [20, 30] },
      start: '2005-01-01',
      end: '2014-12-31',
      workers: 1,
      name: 'api-sweep',
    });
    const job = await ended(id);
    expect(job).toMatchObject({ kind: 'sweep', status: 'succeeded', result_id: 'api-sweep', progress: 1 });
    const sweep = await get('/api/sweeps/api-sweep/trials');
    expect(sweep.body.total).toBe(4);
    const messages = feed
      .of('jobs')
      .filter((u) => u.job_id === id && u.status === 'running')
      .map((u) => u.message);
    expect(messages).toContain('sweep: 4/4');
  }, 120_000);

  it('walks that sweep forward: the walk-forward the CLI makes with the same flags, with its progress', async () => {
    const body = { sweep: 'api-sweep', train: 252, test: 126, step: 126, gates: ['trades>=1', 'pbo=off'], workers: 1 };
    const id = await submit('/api/walkforwards', body);
    const job = await ended(id);
    const wfId = 'api-sweep-rolling-252-126-126';
    expect(job, JSON.stringify(job.error)).toMatchObject({ kind: 'walkforward', status: 'succeeded', result_id: wfId });
    expect(job.progress).toBe(1);
    const summary = await get(`/api/walkforwards/${wfId}`);
    expect(summary.status).toBe(200);
    const folds = (await get(`/api/walkforwards/${wfId}/folds`)).body as { total: number };
    // The same walk-forward by the CLI: the same folds and out-of-sample metrics.
    const byCli = await cli([
      '--home', home, '--json', 'walkforward', '--sweep', 'api-sweep', '--train', '252', '--test', '126',
      '--step', '126', '--gate', 'trades>=1', '--gate', 'pbo=off', '--workers', '1',
    ]); // prettier-ignore
    expect([0, 5]).toContain(byCli.code);
    const cliOut = JSON.parse(byCli.stdout) as { folds: number; passed: boolean; metrics: unknown };
    expect(folds.total).toBe(cliOut.folds);
    expect(cliOut.folds).toBeGreaterThan(5);
    expect((summary.body as { summary: { metrics?: unknown } }).summary.metrics).toEqual(cliOut.metrics);
    expect(job.message).toBe(`walk-forward ${wfId}: ${cliOut.passed ? 'every gate holds' : 'a promotion gate failed'}`);
    const running = feed
      .of('jobs')
      .filter((u) => u.job_id === id && u.status === 'running')
      .map((u) => u.message);
    // The walk-forward's own steps measure it, reported to the last one (the lines come at intervals).
    expect(running.at(-1), JSON.stringify(running)).toMatch(/^walk-forward: (\d+)\/\1$/);
    // Bodies are checked as the others are.
    const neither = await post('/api/walkforwards', { train: 252 });
    expect(neither.statusCode).toBe(400);
    expect(JSON.parse(neither.body).error).toMatchObject({ code: 'API_INVALID_REQUEST', context: { key: 'sweep' } });
    const badGate = await post('/api/walkforwards', { sweep: 'api-sweep', gates: ['sharpe; rm -rf /'] });
    expect(badGate.statusCode).toBe(400);
    const viewer = await post('/api/walkforwards', body, s.tokens.viewer);
    expect(viewer.statusCode).toBe(403);
  }, 180_000);

  it('cancels a running job (its process stopped) and one in line; an ended job cannot be cancelled', async () => {
    // About 1,800 trials on one thread: far longer than the test waits.
    const long = await submit('/api/sweeps', {
      strategy: 'sma-cross',
      symbols: ['ORCL'],
      params: { fast: '1..50', slow: '20..200:5' },
      workers: 1,
      name: 'long-sweep',
    });
    const queued = await submit('/api/backtests', BODY);
    expect((await get(`/api/jobs/${queued}`)).body).toMatchObject({ status: 'queued', message: 'waiting: 1 in line' });
    await until(long, (j) => j.status === 'running' && j.progress > 0);

    const del = (id: string) =>
      s.app.inject({ method: 'DELETE', url: `/api/jobs/${id}`, headers: bearer(s.tokens.operator) });
    const inLine = await del(queued);
    expect(inLine.statusCode).toBe(200);
    expect(JSON.parse(inLine.body)).toMatchObject({ status: 'cancelled', result_id: null });
    const running = await del(long);
    expect(running.statusCode).toBe(200);
    const cancelled = JSON.parse(running.body) as JobJson;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.progress).toBeLessThan(1);
    expect(cancelled.message).toBe(`cancelled by token:${tokenId(s.tokens.operator)}`);
    expect(
      feed
        .of('jobs')
        .filter((u) => u.job_id === long)
        .at(-1),
    ).toMatchObject({ status: 'cancelled' });

    const again = await del(long);
    expect(again.statusCode).toBe(409);
    expect(JSON.parse(again.body).error.code).toBe('API_CONFLICT');
    const audit = (await s.ledger.auditLog(50)).filter((a) => a.subject === long).map((a) => a.action);
    expect(audit.sort()).toEqual(['job.cancel', 'job.sweep']);
    // The queue moves on: a job submitted now runs.
    const next = await ended(await submit('/api/backtests', BODY));
    expect(next.status).toBe('succeeded');
  }, 120_000);

  it('stops the running job and the ones in line when the server stops, recorded interrupted', async () => {
    const ownFeed = new RecordingFeed();
    const other = await testServer({ home, feed: ownFeed });
    const submitTo = async (url: string, payload: object) =>
      (
        JSON.parse(
          (await other.app.inject({ method: 'POST', url, headers: bearer(other.tokens.operator), payload })).body,
        ) as { job_id: string }
      ).job_id;
    const long = await submitTo('/api/sweeps', {
      strategy: 'sma-cross',
      symbols: ['ORCL'],
      params: { fast: '1..50', slow: '20..200:5' },
      workers: 1,
      name: 'stopped-sweep',
    });
    const inLine = await submitTo('/api/backtests', BODY);
    const t0 = Date.now();
    while (!ownFeed.of('jobs').some((u) => u.job_id === long && u.status === 'running' && (u.progress ?? 0) > 0)) {
      if (Date.now() - t0 > 60_000) throw new Error('the sweep never ran');
      await new Promise((r) => setTimeout(r, 50));
    }
    await other.close();
    const last = (id: string) =>
      ownFeed
        .of('jobs')
        .filter((u) => u.job_id === id)
        .at(-1);
    expect(last(long)).toMatchObject({
      status: 'interrupted',
      message: 'interrupted while running: the server stopped',
    });
    expect(last(inLine)).toMatchObject({
      status: 'interrupted',
      message: 'interrupted in line: the server stopped before it started',
    });
    // The ledger keeps how they ended: the next server lists them so.
    expect(await s.ledger.getJob(long)).toMatchObject({ status: 'interrupted' });
    const listed = (await get('/api/jobs?status=interrupted')).body.items as JobJson[];
    expect(listed.map((j) => j.job_id)).toEqual(expect.arrayContaining([long, inLine]));
  }, 120_000);

  it('refuses bad bodies before anything runs: unknown field, bad JSON, over 1 MB, a strategy file, a viewer', async () => {
    const before = (await get('/api/jobs')).body.items as unknown[];
    const unknown = await post('/api/backtests', { ...BODY, out: '/tmp/x' });
    expect(unknown.statusCode).toBe(400);
    expect(JSON.parse(unknown.body).error).toMatchObject({ code: 'API_INVALID_REQUEST', context: { key: 'out' } });
    const nested = await post('/api/backtests', { run_file: { strategy: 'sma-cross', colour: 'red' } });
    expect(nested.statusCode).toBe(400);
    expect(JSON.parse(nested.body).error.message).toContain('colour');
    const file = await post('/api/backtests', { ...BODY, strategy: './evil.ts' });
    expect(file.statusCode).toBe(400);
    expect(JSON.parse(file.body).error.context.key).toBe('strategy');
    const fileInRun = await post('/api/backtests', { run_file: { strategy: '/tmp/evil.ts' } });
    expect(fileInRun.statusCode).toBe(400);
    const badDate = await post('/api/sweeps', { strategy: 'sma-cross', params: { fast: '1..3' }, start: '2020-02-30' });
    expect(badDate.statusCode).toBe(400);
    expect(JSON.parse(badDate.body).error.context.key).toBe('start');

    const badJson = await s.app.inject({
      method: 'POST',
      url: '/api/backtests',
      headers: { ...bearer(s.tokens.operator), 'content-type': 'application/json' },
      payload: '{"strategy": "sma-cross",',
    });
    expect(badJson.statusCode).toBe(400);
    expect(JSON.parse(badJson.body).error.code).toBe('API_INVALID_REQUEST');
    const big = await s.app.inject({
      method: 'POST',
      url: '/api/sweeps',
      headers: { ...bearer(s.tokens.operator), 'content-type': 'application/json' },
      payload: JSON.stringify({ strategy: 'sma-cross', params: { fast: 'x'.repeat(1024 * 1024) } }),
    });
    expect(big.statusCode).toBe(413);
    expect(JSON.parse(big.body).error.code).toBe('API_BODY_TOO_LARGE');
    for (const url of ['/api/backtests', '/api/sweeps', '/api/walkforwards']) {
      const viewer = await post(url, BODY, s.tokens.viewer);
      expect(viewer.statusCode).toBe(403);
      expect(JSON.parse(viewer.body).error).toMatchObject({ code: 'API_FORBIDDEN', context: { role: 'operator' } });
    }
    expect((await get('/api/jobs')).body.items).toHaveLength(before.length);
    const missing = await get('/api/jobs/job-000000000000');
    expect(missing.status).toBe(404);
  });
});

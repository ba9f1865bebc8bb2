/**
 * Jobs kept in the ledger (`service_jobs`), on SQLite and on the real PostgreSQL: the list
 * outlives the server, a job its server left running when it died is marked `interrupted` by the
 * next server (with the reason), a job of a server still alive is left to it, and a server that
 * stops records the jobs it stopped as interrupted. The job's process is the one part played
 * here: a launcher whose processes end when the test says (the CLI runs in jobs.e2e.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULTS, type Config } from '../../src/config/schema.js';
import type { CliLauncher, CliOutcome } from '../../src/server/jobs/cli-process.js';
import { JobQueue } from '../../src/server/jobs/job-queue.js';
import { createLedger, type LedgerStore } from '../../src/store/ledger.js';
import { postgresBackend, sqliteBackend, type Backend } from '../store/backends.js';
import { bearer, RecordingFeed, testServer } from './support.js';

/** Processes that run until `finish` or `stop` ends them. */
function controlledLauncher() {
  const running: {
    argv: readonly string[];
    finish(o: Partial<CliOutcome>): void;
    progress(done: number, total: number): void;
  }[] = [];
  const launch: CliLauncher = (l) => {
    let resolve!: (o: CliOutcome) => void;
    const done = new Promise<CliOutcome>((r) => (resolve = r));
    const finish = (o: Partial<CliOutcome>) => resolve({ exitCode: 0, signal: null, stdout: '', stderrTail: [], ...o });
    running.push({
      argv: l.argv,
      finish,
      progress: (d, total) => l.onProgress({ label: 'backtest', done: d, total, item: null }),
    });
    l.onProgress({ label: 'backtest', done: 10, total: 40, item: null });
    return { done, stop: () => finish({ exitCode: null, signal: 'SIGTERM' }) };
  };
  return { launch, running };
}

/** The pid of a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function suite(backend: Backend): void {
  describe(`jobs in the ledger on ${backend.name}`, () => {
    afterAll(() => backend.cleanup());

    const open = async () => {
      const db = await backend.fresh();
      mkdirSync(join(db.home, 'state'), { recursive: true });
      const config: Config = { ...DEFAULTS, database: db.config.database };
      return { ...db, config };
    };
    const queueOn = (
      ledger: LedgerStore,
      server: string,
      launch: CliLauncher,
      now = Date.now,
      feed = new RecordingFeed(),
    ) =>
      new JobQueue({
        concurrency: 1,
        launch,
        home: '/nowhere',
        env: {},
        feed,
        now,
        store: ledger,
        server,
        heartbeatMs: 1_000,
      });

    it('a job written by one server is listed, as it ended, by the next one', async () => {
      const db = await open();
      const first = await testServer({ home: db.home, config: db.config });
      const r = await first.app.inject({
        method: 'POST',
        url: '/api/backtests',
        headers: bearer(first.tokens.operator),
        payload: { strategy: 'no-such-strategy', symbols: ['ORCL'] },
      });
      expect(r.statusCode, r.body).toBe(202);
      const id = (JSON.parse(r.body) as { job_id: string }).job_id;
      // The CLI refuses the strategy: a real child process, failed with its error.
      let job: Record<string, unknown> = {};
      await until(async () => {
        job = JSON.parse(
          (await first.app.inject({ url: `/api/jobs/${id}`, headers: bearer(first.tokens.viewer) })).body,
        );
        return job.ended_at !== null;
      }, 60_000);
      expect(job.status).toBe('failed');
      await first.close();

      const second = await testServer({ home: db.home, config: db.config });
      const list = JSON.parse(
        (await second.app.inject({ url: '/api/jobs', headers: bearer(second.tokens.viewer) })).body,
      ) as { items: Record<string, unknown>[] };
      expect(list.items.map((j) => j.job_id)).toEqual([id]);
      expect(list.items[0]).toEqual(job);
      expect((list.items[0]?.error as { code: string }).code).toBe((job.error as { code: string }).code);
      const one = await second.app.inject({ url: `/api/jobs/${id}`, headers: bearer(second.tokens.viewer) });
      expect(JSON.parse(one.body)).toEqual(job);
      // Ended: nothing to cancel, on this server or any.
      const del = await second.app.inject({
        method: 'DELETE',
        url: `/api/jobs/${id}`,
        headers: bearer(second.tokens.operator),
      });
      expect(del.statusCode).toBe(409);
      await second.close();
    }, 90_000);

    it('marks interrupted the jobs of a server that died, leaves those of a live one, and keeps the reason', async () => {
      const db = await open();
      const ledger = await createLedger(db.config, db.home);
      try {
        const dead = `${hostname()}:${deadPid()}:a1b2c3`;
        const a = controlledLauncher();
        let clock = Date.now();
        const crashed = queueOn(ledger, dead, a.launch, () => clock);
        const running = await crashed.submit('job-00000000000a', 'backtest', { strategy: 'sma-cross' }, 'token:t', [
          'backtest',
        ]);
        const inLine = await crashed.submit('job-00000000000b', 'sweep', { strategy: 'sma-cross' }, 'token:t', [
          'sweep',
        ]);
        await crashed.flushed();
        expect((await ledger.getJob(running.id))?.status).toBe('running');
        // Progress alone is written at most every 2 s: the first step's is not, one 3 s later is.
        expect((await ledger.getJob(running.id))?.progress).toBe(0);
        a.running[0]?.progress(15, 40);
        await crashed.flushed();
        expect((await ledger.getJob(running.id))?.progress).toBe(0);
        clock += 3_000;
        a.running[0]?.progress(20, 40);
        await crashed.flushed();
        expect(await ledger.getJob(running.id)).toMatchObject({ progress: 0.5, message: 'backtest: 20/40' });
        expect((await ledger.getJob(inLine.id))?.status).toBe('queued');
        // The crashed server is never closed: its rows stay as it last wrote them.

        // A server of another machine that beat a moment ago: alive, its job left to it.
        const t = Date.now();
        await ledger.saveJob({
          id: 'job-00000000000c',
          kind: 'backtest',
          status: 'running',
          request: {},
          actor: 'token:t',
          progress: 0.5,
          message: 'backtest: 5/10',
          resultId: null,
          error: null,
          server: 'elsewhere:4242:ffffff',
          createdAt: t - 60_000,
          startedAt: t - 50_000,
          updatedAt: t - 1_000,
        });
        // And one that has been silent for a minute (heartbeat 1 s): gone.
        await ledger.saveJob({
          id: 'job-00000000000d',
          kind: 'walkforward',
          status: 'running',
          request: {},
          actor: 'token:t',
          progress: 0.1,
          message: null,
          resultId: null,
          error: null,
          server: 'elsewhere:4243:eeeeee',
          createdAt: t - 120_000,
          startedAt: t - 110_000,
          updatedAt: t - 60_000,
        });

        const feed = new RecordingFeed();
        const next = queueOn(ledger, `${hostname()}:${process.pid}:d4e5f6`, controlledLauncher().launch, () => t, feed);
        const marked = await next.recover();
        expect(marked.map((j) => j.id).sort()).toEqual(['job-00000000000a', 'job-00000000000b', 'job-00000000000d']);
        const a1 = await ledger.getJob('job-00000000000a');
        expect(a1).toMatchObject({ status: 'interrupted', progress: 0.5, endedAt: t });
        expect(a1?.message).toBe(
          `interrupted while running: its server (${dead}) stopped without ending it (a crash or a kill); submit it again`,
        );
        expect((await ledger.getJob('job-00000000000b'))?.message).toMatch(/^interrupted in line: its server/);
        expect((await ledger.getJob('job-00000000000c'))?.status).toBe('running');
        expect((await ledger.getJob('job-00000000000d'))?.message).toContain('has not reported on it since');
        // Published on the jobs channel, so a dashboard open now sees them end.
        expect(feed.of('jobs').map((u) => [u.job_id, u.status])).toEqual(marked.map((j) => [j.id, 'interrupted']));
        // Cancelling the live server's job here is refused: it runs elsewhere.
        await expect(next.cancel('job-00000000000c', 'token:t')).rejects.toMatchObject({ code: 'API_CONFLICT' });
        await next.close();
        a.running.forEach((p) => p.finish({}));
      } finally {
        await ledger.close();
      }
    });

    it('a server that stops records its running and queued jobs as interrupted', async () => {
      const db = await open();
      const ledger = await createLedger(db.config, db.home);
      try {
        const q = queueOn(ledger, `${hostname()}:${process.pid}:0a0b0c`, controlledLauncher().launch);
        await q.recover();
        await q.submit('job-0000000000e1', 'backtest', {}, 'token:t', ['backtest']);
        await q.submit('job-0000000000e2', 'backtest', {}, 'token:t', ['backtest']);
        await q.close();
        expect(await ledger.getJob('job-0000000000e1')).toMatchObject({
          status: 'interrupted',
          message: 'interrupted while running: the server stopped',
        });
        expect(await ledger.getJob('job-0000000000e2')).toMatchObject({
          status: 'interrupted',
          message: 'interrupted in line: the server stopped before it started',
        });
        const listed = await ledger.listJobs({ statuses: ['interrupted'] });
        expect(listed.map((j) => j.id)).toEqual(['job-0000000000e2', 'job-0000000000e1']);
      } finally {
        await ledger.close();
      }
    });
  });
}

suite(sqliteBackend());
suite(postgresBackend());

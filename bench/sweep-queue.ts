/**
 * Queued sweep benchmark: trials per second of a 400-combination sma-cross grid through the Redis
 * queue with two `momentic worker` processes (one thread each), against the same sweep run locally
 * on two worker threads (target: the queue at 0.9x or better). The ledger is the temporary
 * workspace's SQLite file, shared by the submitter and the workers on this machine. Skipped, with
 * the reason printed, when Redis (MOMENTIC_REDIS_URL, default redis://127.0.0.1:6379) does not answer.
 *
 *   tsx bench/sweep-queue.ts [--queue-combos N]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { loadConfig } from '../dist/config/index.js';
import { resolveSpec } from '../dist/orchestration/backtest-job.js';
import { parseAxis } from '../dist/orchestration/sweep/param-space.js';
import { runSweep } from '../dist/orchestration/sweep/sweep-job.js';
import { queuedTrials } from '../dist/orchestration/queue/submit-trials.js';
import { codeVersion } from '../dist/orchestration/queue/trial-id.js';
import { createLedger } from '../dist/store/ledger.js';

async function reachable(url: string): Promise<string | undefined> {
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    r.disconnect();
  }
}

function startWorker(home: string, env: Record<string, string>): Promise<ChildProcess> {
  const bin = new URL('../bin/momentic.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [bin, '--home', home, 'worker', '--concurrency', '1'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const on = (b: Buffer): void => {
      out += b.toString();
      if (out.includes('takes trials from queue')) resolve(child);
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.on('exit', (c) => reject(new Error(`worker exited ${c}: ${out}`)));
  });
}

export async function runSweepQueueBench(options: { readonly combos: number }): Promise<void> {
  const redisUrl = process.env.MOMENTIC_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const why = await reachable(redisUrl);
  // Workers log at info: the bench waits for their 'takes trials' line.
  console.log(`== sweep through the Redis queue: 2 worker processes vs 2 local worker threads`);
  if (why !== undefined) {
    console.log(`skipped: Redis at ${redisUrl} does not answer (${why}); start redis-server or set MOMENTIC_REDIS_URL`);
    return;
  }
  const home = mkdtempSync(join(tmpdir(), 'momentic-queue-bench-'));
  const queue = `bench-${randomBytes(4).toString('hex')}`;
  const env = {
    MOMENTIC_REDIS_URL: redisUrl,
    MOMENTIC_EXECUTION__QUEUE_NAME: queue,
    // Info: the bench waits for each worker's 'takes trials' line.
    MOMENTIC_LOG_LEVEL: 'info',
    MOMENTIC_DATABASE_URL: '',
  };
  const workers: ChildProcess[] = [];
  try {
    const loaded = loadConfig({ home, env: {} });
    const { spec } = resolveSpec(home, loaded.config, {
      strategy: 'sma-cross',
      symbols: ['ZNTX', 'VXLY'],
      start: '2012-01-03',
      end: '2019-12-31',
    });
    const slows = Math.max(1, Math.round(options.combos / 40));
    const axes = [parseAxis('fast=2..41:1'), parseAxis(`slow=45..${45 + 5 * (slows - 1)}:5`)];
    const base = { home, config: loaded.config, env: {}, spec, axes, objective: 'sharpe' };
    const local = await runSweep({ ...base, workers: 2, name: 'local' });
    const localRate = local.ranNow / (local.trialsMs / 1000);
    console.log(
      `local, 2 threads:     ${local.ranNow} trials in ${(local.trialsMs / 1000).toFixed(2)} s = ${localRate.toFixed(1)} trials/s`,
    );
    workers.push(await startWorker(home, env), await startWorker(home, env));
    const ledger = await createLedger(loaded.config, home);
    try {
      const q = await runSweep({
        ...base,
        name: 'queued',
        runTrials: queuedTrials({
          ledger,
          redisUrl,
          queue,
          codeVersion: codeVersion(loaded.config),
          attempts: 3,
          hookTimeoutMs: loaded.config.engine.hook_timeout_ms,
          format: loaded.config.data.format,
          pollMs: 50,
        }),
      });
      const qRate = q.ranNow / (q.trialsMs / 1000);
      console.log(
        `queue, 2 processes:   ${q.ranNow} trials in ${(q.trialsMs / 1000).toFixed(2)} s = ${qRate.toFixed(1)} trials/s`,
      );
      console.log(`queue vs local: ${(qRate / localRate).toFixed(2)}x (target >= 0.9x)`);
    } finally {
      await ledger.close();
    }
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode === null ? w.on('exit', r) : r(null)))));
    const r = new Redis(redisUrl, { lazyConnect: true });
    r.on('error', () => undefined);
    await r
      .connect()
      .then(async () => {
        const keys = await r.keys(`bull:${queue}:*`);
        if (keys.length > 0) await r.del(...keys);
      })
      .catch(() => undefined);
    r.disconnect();
    rmSync(home, { recursive: true, force: true });
  }
}

export function queueCombosFlag(args: readonly string[]): number {
  const i = args.indexOf('--queue-combos');
  const n = i < 0 ? 400 : Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 40)
    throw new Error(`--queue-combos must be a whole number >= 40, got ${args[i + 1]}`);
  return n;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runSweepQueueBench({ combos: queueCombosFlag(process.argv.slice(2)) });
}

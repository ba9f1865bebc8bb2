/**
 * What the queued-sweep tests share: a PostgreSQL schema per test file, a queue name per test,
 * `momentic worker` processes spawned from bin/momentic.js (npm run build first), and a private
 * redis-server for the tests that FLUSHALL (the machine's Redis is shared with other runs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { REPO } from '../../support/paths.js';

export const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = 'redis://127.0.0.1:6379';
export const BIN = join(REPO, 'bin', 'momentic.js');

export const unique = (prefix: string): string => `${prefix}_${randomBytes(5).toString('hex')}`;

async function admin<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

/** A fresh schema and the MOMENTIC_DATABASE_URL that selects it. */
export async function freshSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = unique('queue_test');
  await admin((c) => c.query(`create schema ${schema}`));
  return {
    url: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: () => admin((c) => c.query(`drop schema ${schema} cascade`)).then(() => undefined),
  };
}

/** Counts rows of a query in a schema's URL. */
export async function query<T extends Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

export interface Spawned {
  readonly child: ChildProcess;
  /** Everything written so far (stdout and stderr). */
  output(): string;
  /** Resolves when the output matches. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

export function spawnCli(args: readonly string[], env: Record<string, string>, cwd?: string): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    cwd: cwd ?? REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const onData = (b: Buffer): void => {
    out += b.toString();
    for (const w of [...waiters]) {
      if (w.re.test(out)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    // Generous: a line that waits on a submitter loading data and queueing, or on a worker's
    // poll, comes late on a loaded machine; the tests' own limits (240 s) still bound a hang.
    waitFor: (re, timeoutMs = 180_000) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(out)) return resolve();
        const t = setTimeout(
          () => reject(new Error(`timed out waiting for ${re} in:\n${out.slice(-3000)}`)),
          timeoutMs,
        );
        waiters.push({
          re,
          resolve: () => {
            clearTimeout(t);
            resolve();
          },
        });
      }),
  };
}

export async function stop(s: Spawned): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  s.child.kill('SIGTERM');
  const t = setTimeout(() => s.child.kill('SIGKILL'), 15_000);
  await s.exited;
  clearTimeout(t);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** A redis-server of this machine on a free port, without persistence, for tests that flush it. */
export async function privateRedis(): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.on('exit', (c) => reject(new Error(`redis-server exited ${c}: ${out}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    close: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    },
  };
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getCalendar } from '../calendar/registry.js';
import { ExitCode } from '../core/error-codes.js';
import { toMomenticError } from '../core/errors.js';
import { redactUrl } from '../core/secrets.js';
import { credentialStatus } from '../config/credentials.js';
import type { LoadedConfig } from '../config/loader.js';
import { initWorkspace, isWorkspaceFolder, WORKSPACE_DIRS } from './workspace.js';

export { WORKSPACE_DIRS } from './workspace.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'info';

export interface DoctorCheck {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** What to do about a warn or fail. */
  readonly fix?: string;
  /** Exit code this check imposes when it fails. */
  readonly exitCode?: number;
}

export const MIN_NODE = [20, 19] as const;

export function checkNode(version: string = process.versions.node): DoctorCheck {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return ok
    ? { name: 'node', status: 'ok', detail: `v${version} (>= ${MIN_NODE.join('.')} required)` }
    : {
        name: 'node',
        status: 'fail',
        detail: `v${version} is older than ${MIN_NODE.join('.')}`,
        fix: `install Node.js ${MIN_NODE.join('.')} or newer`,
        exitCode: ExitCode.Usage,
      };
}

export function checkWorkspace(home: string, fix: boolean): DoctorCheck {
  if (!isWorkspaceFolder(home) && !(fix && !existsSync(home))) {
    const isFile = existsSync(home);
    return {
      name: 'workspace',
      status: 'fail',
      detail: isFile ? `${home} is a file, not a workspace folder` : `${home} does not exist`,
      fix: isFile
        ? 'point --home (or MOMENTIC_HOME) at a workspace folder'
        : 'check the path for a typo, or run momentic doctor --fix to create the workspace there',
      exitCode: ExitCode.Usage,
    };
  }
  const missing = WORKSPACE_DIRS.filter((d) => !existsSync(join(home, d)));
  if (missing.length > 0 && fix) {
    initWorkspace(home);
    return { name: 'workspace', status: 'ok', detail: `${home}: created ${missing.join(', ')}` };
  }
  return missing.length === 0
    ? { name: 'workspace', status: 'ok', detail: `${home}: ${WORKSPACE_DIRS.join(', ')} present` }
    : {
        name: 'workspace',
        status: 'warn',
        detail: `${home}: missing ${missing.join(', ')} (commands create them when they first write)`,
        fix: 'run momentic doctor --fix to create them now',
      };
}

export function checkCalendar(now: number = Date.now()): DoctorCheck {
  const cal = getCalendar('XNYS');
  const today = new Date(now).toISOString().slice(0, 10);
  const next = cal.nextSession(today);
  return { name: 'calendar', status: 'ok', detail: `XNYS ${cal.firstDate}..${cal.lastDate}; next session ${next}` };
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function checkDatabase(url: string, timeoutMs = 3000): Promise<DoctorCheck> {
  if (url === '') {
    return {
      name: 'database',
      status: 'ok',
      detail: 'embedded SQLite at state/momentic.db (set MOMENTIC_DATABASE_URL for PostgreSQL)',
    };
  }
  const shown = redactUrl(url);
  if (!/^postgres(ql)?:\/\//.test(url)) {
    return {
      name: 'database',
      status: 'fail',
      detail: `${shown} is not a PostgreSQL URL`,
      fix: 'set MOMENTIC_DATABASE_URL to postgres://user@host:5432/db, or unset it for embedded SQLite',
      exitCode: ExitCode.Usage,
    };
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await withTimeout(client.connect(), timeoutMs, 'PostgreSQL');
    const r = await withTimeout(client.query<{ v: string }>('select version() as v'), timeoutMs, 'PostgreSQL');
    const version = /PostgreSQL [\d.]+/.exec(r.rows[0]?.v ?? '')?.[0] ?? 'PostgreSQL';
    return { name: 'database', status: 'ok', detail: `${version} reachable at ${shown}` };
  } catch (e) {
    return {
      name: 'database',
      status: 'fail',
      detail: `cannot reach ${shown}: ${(e as Error).message}`,
      fix: 'start PostgreSQL or correct MOMENTIC_DATABASE_URL',
      exitCode: ExitCode.Venue,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function checkRedis(url: string, timeoutMs = 3000): Promise<DoctorCheck> {
  if (url === '')
    return {
      name: 'redis',
      status: 'info',
      detail: 'not configured (optional; set MOMENTIC_REDIS_URL for live state and workers)',
    };
  const shown = redactUrl(url);
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await withTimeout(client.connect(), timeoutMs, 'Redis');
    const pong = await withTimeout(client.ping(), timeoutMs, 'Redis');
    const info = await withTimeout(client.info('server'), timeoutMs, 'Redis');
    const version = /redis_version:([\d.]+)/.exec(info)?.[1] ?? '?';
    return { name: 'redis', status: pong === 'PONG' ? 'ok' : 'fail', detail: `Redis ${version} reachable at ${shown}` };
  } catch (e) {
    return {
      name: 'redis',
      status: 'fail',
      detail: `cannot reach ${shown}: ${(e as Error).message}`,
      fix: 'start Redis or correct MOMENTIC_REDIS_URL',
      exitCode: ExitCode.Venue,
    };
  } finally {
    client.disconnect();
  }
}

export function checkCredentials(env: Readonly<Record<string, string | undefined>>): DoctorCheck[] {
  return credentialStatus(env).map((c) => ({
    name: `credentials.${c.venue}`,
    status: 'info',
    detail: c.variables.map((v) => `${v.name} ${v.isSet ? 'set' : 'not set'}`).join(', '),
  }));
}

export interface DoctorReport {
  readonly checks: readonly DoctorCheck[];
  readonly exitCode: number;
}

/** Runs every check; a config error is reported as a failed check, not thrown. */
export async function runDoctor(
  load: () => Promise<LoadedConfig>,
  options: { fix?: boolean } = {},
): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [checkNode()];
  let loaded: LoadedConfig | undefined;
  try {
    loaded = await load();
    checks.push({
      name: 'config',
      status: 'ok',
      detail: loaded.files.length === 0 ? 'valid (built-in defaults)' : `valid (${loaded.files.join(', ')})`,
    });
  } catch (raw) {
    const e = toMomenticError(raw);
    checks.push({
      name: 'config',
      status: 'fail',
      detail: `${e.code}: ${e.message}`,
      fix: e.hint,
      exitCode: e.exitCode,
    });
  }
  if (loaded !== undefined) {
    checks.push(checkWorkspace(loaded.home, options.fix === true));
    checks.push(checkCalendar());
    checks.push(await checkDatabase(loaded.config.database.url));
    checks.push(await checkRedis(loaded.config.redis.url));
    checks.push(...checkCredentials(loaded.env));
  }
  const failed = checks.find((c) => c.status === 'fail');
  return { checks, exitCode: failed?.exitCode ?? ExitCode.Ok };
}

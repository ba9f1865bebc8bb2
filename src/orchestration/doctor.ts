import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getCalendar } from '../calendar/registry.js';
import { ExitCode } from '../core/error-codes.js';
import { toMomenticError } from '../core/errors.js';
import { redactUrl } from '../core/secrets.js';
import { credentialStatus } from '../config/credentials.js';
import type { LoadedConfig } from '../config/loader.js';
import { defaultLedgerFile } from '../store/connect.js';
import { corruptionHint, isCorruption, ledgerFailure } from '../store/ledger-errors.js';
import { LATEST_MIGRATION, MIGRATION_TABLE } from '../store/schema-version.js';
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

/**
 * The ledger: the SQLite file's integrity (`PRAGMA quick_check`, read only) and schema version, or
 * PostgreSQL reachable with a schema this version knows.
 */
export async function checkDatabase(url: string, home: string, timeoutMs = 3000): Promise<DoctorCheck> {
  if (url === '') return checkSqliteLedger(defaultLedgerFile(home));
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
    const table = await withTimeout(
      client.query<{ t: string | null }>(`select to_regclass('${MIGRATION_TABLE}')::text as t`),
      timeoutMs,
      'PostgreSQL',
    );
    const applied =
      table.rows[0]?.t == null
        ? undefined
        : ((
            await withTimeout(
              client.query<{ v: string | null }>(`select max(name) as v from ${MIGRATION_TABLE}`),
              timeoutMs,
              'PostgreSQL',
            )
          ).rows[0]?.v ?? undefined);
    return schemaCheck(`${version} reachable at ${shown}`, applied);
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

/** The ledger's schema version against this version's: newer is a failure, older is migrated on first use. */
function schemaCheck(where: string, applied: string | undefined): DoctorCheck {
  if (applied === undefined)
    return { name: 'database', status: 'ok', detail: `${where}, empty (migrated on first use)` };
  if (applied > LATEST_MIGRATION)
    return {
      name: 'database',
      status: 'fail',
      detail: `${where}: schema ${applied} is newer than this momentic's (${LATEST_MIGRATION})`,
      fix: 'upgrade momentic, or point MOMENTIC_DATABASE_URL / state/momentic.db at a ledger of this version',
      exitCode: ExitCode.Data,
    };
  return {
    name: 'database',
    status: 'ok',
    detail: `${where}, schema ${applied}${applied < LATEST_MIGRATION ? ` (migrated to ${LATEST_MIGRATION} on first use)` : ''}`,
  };
}

/** The SQLite ledger file: absent (created on the first run), sound, or corrupt. Reads only. */
export async function checkSqliteLedger(file: string): Promise<DoctorCheck> {
  const target = { dialect: 'sqlite', file } as const;
  if (!existsSync(file))
    return {
      name: 'database',
      status: 'ok',
      detail: `embedded SQLite at ${file}: not created yet (the first run creates it; set MOMENTIC_DATABASE_URL for PostgreSQL)`,
    };
  const corrupt = (why: string): DoctorCheck => ({
    name: 'database',
    status: 'fail',
    detail: `${file} is corrupt: ${why}`,
    fix: corruptionHint(target),
    exitCode: ExitCode.Venue,
  });
  const { default: Database } = await import('better-sqlite3');
  let db: InstanceType<typeof Database> | undefined;
  try {
    // Opened read-write but only read: closing the last connection then removes the -wal and
    // -shm files a read-only connection would leave behind.
    db = new Database(file, { fileMustExist: true, timeout: 2_000 });
    const report = (db.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check);
    if (report[0] !== 'ok') return corrupt(`quick_check: ${report.join('; ').split('\n').join(' ').slice(0, 200)}`);
    const table = db.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(MIGRATION_TABLE);
    const applied =
      table === undefined
        ? undefined
        : ((db.prepare(`select max(name) as v from ${MIGRATION_TABLE}`).get() as { v: string | null }).v ?? undefined);
    return schemaCheck(`embedded SQLite at ${file}: integrity ok`, applied);
  } catch (e) {
    if (isCorruption(e)) return corrupt(`${(e as { code: string }).code}: ${(e as Error).message}`);
    const known = toMomenticError(ledgerFailure(target, e));
    return {
      name: 'database',
      status: 'fail',
      detail: `cannot open ${file}: ${(e as Error).message}`,
      fix: known.code === 'INTERNAL' ? 'check the state/ folder and the file (permissions, disk)' : known.hint,
      exitCode: ExitCode.Venue,
    };
  } finally {
    db?.close();
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
    checks.push(await checkDatabase(loaded.config.database.url, loaded.home));
    checks.push(await checkRedis(loaded.config.redis.url));
    checks.push(...checkCredentials(loaded.env));
  }
  const failed = checks.find((c) => c.status === 'fail');
  return { checks, exitCode: failed?.exitCode ?? ExitCode.Ok };
}

/**
 * `momentic drift SESSION_ID` (docs/live.md, "Drift report"): the session's recorded bars
 * (bars.csv, history and live) replayed through the backtester with the session's resolved run
 * (session.json) under the session's own id, so the same decisions give the same client order
 * ids, then compared order by order with what the session did (compareDrift). The report is
 * written beside the session's files (drift.json, drift.html); the ledger is only read (each
 * order's send time, for the latency from bar close to send), never written.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../backtest/csv.js';
import { compareDrift, type DriftReport } from '../backtest/drift.js';
import { driftHtml } from '../backtest/drift-report.js';
import { readResults } from '../backtest/read-results.js';
import { RESULT_FILES } from '../backtest/results-writer.js';
import type { RunConfig } from '../config/run-config.js';
import type { Config } from '../config/schema.js';
import { didYouMean } from '../core/did-you-mean.js';
import { DataError, UsageError, isMomenticError } from '../core/errors.js';
import { isValidRunId } from '../core/ids.js';
import { RawStore } from '../data/raw-store.js';
import { zonePaths } from '../data/paths.js';
import { createLedger } from '../store/ledger.js';
import { runConfigOf } from './backtest-job.js';
import { runConfigured } from './configured-run.js';
import { sessionUniverse } from './session-universe.js';
import { withinHookBudget } from './hook-budget.js';
import { instrumentOf } from './run-data.js';
import { readSessionBars } from './session-bars.js';
import { SESSION_FILES } from './session-files.js';
import { sessionRiskLimits } from './session.js';
import { isStrategyFile, loadStrategyFile } from './strategy-file.js';

export const DRIFT_FILES = { json: 'drift.json', html: 'drift.html' } as const;

export interface DriftJobResult {
  readonly sessionId: string;
  readonly dir: string;
  readonly report: DriftReport;
  /** Bars replayed: `history` (warm-up, backfill) and `live`. */
  readonly bars: { readonly live: number; readonly history: number };
  /** Whether send times came from the ledger (`read`), or why not. */
  readonly ledger: 'read' | 'no run' | 'unavailable';
  readonly files: { readonly json: string; readonly html: string };
}

/** Session folders of the workspace (results folders holding a session.json), for did-you-mean. */
function sessionIds(results: string): string[] {
  if (!existsSync(results)) return [];
  return readdirSync(results)
    .filter((n) => isValidRunId(n) && existsSync(join(results, n, SESSION_FILES.session)))
    .sort();
}

/** The folder of a paper or live session, or an error saying what the id is instead. */
export function sessionDir(home: string, sessionId: string): string {
  const results = zonePaths(home).results;
  const dir = join(results, sessionId);
  const guess = (): string => didYouMean(sessionId, sessionIds(results));
  if (!isValidRunId(sessionId) || !existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DataError('DATA_NOT_FOUND', `no session ${sessionId} in ${results}`, {
      hint: `${guess()}pass the session id momentic paper printed (momentic runs ls --kind paper lists them)`,
      context: { value: sessionId },
    });
  }
  const has = (name: string): boolean => existsSync(join(dir, name));
  if (!has(SESSION_FILES.session) && !has(SESSION_FILES.bars) && !has(SESSION_FILES.runFile)) {
    // A backtest's folder: it has no live bars to compare with.
    throw new UsageError('USAGE_INVALID_OPTION', `${sessionId} is not a paper or live session (a backtest's folder)`, {
      hint: `${guess()}drift compares a session with its replay; a backtest is reproduced with momentic backtest --replay ${sessionId}`,
      context: { value: sessionId, file: dir },
    });
  }
  for (const name of [SESSION_FILES.session, SESSION_FILES.bars]) {
    if (!has(name)) {
      throw new DataError('DATA_NOT_FOUND', `session ${sessionId} has no ${name}: it cannot be replayed`, {
        hint: 'a session writes bars.csv and session.json as it starts; restore them from a backup of the session folder',
        context: { file: join(dir, name) },
      });
    }
  }
  if (!has(RESULT_FILES.manifest)) {
    throw new DataError('DATA_NOT_FOUND', `session ${sessionId} has not finished (no ${RESULT_FILES.manifest})`, {
      hint: 'wait for the session to end (or stop it with Ctrl-C): its results are complete only then',
      context: { file: join(dir, RESULT_FILES.manifest) },
    });
  }
  return dir;
}

interface SessionJson {
  readonly run: RunConfig;
  /** Whether the session replayed a file (else it traded a venue's feed). */
  readonly isReplay: boolean;
  readonly calendars?: Readonly<Record<string, string>>;
}

function readSessionJson(file: string): SessionJson {
  let raw: { run?: unknown; calendars?: unknown; source?: unknown };
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as typeof raw;
  } catch (e) {
    throw new DataError('DATA_INVALID', `${file} is not valid JSON: ${(e as Error).message}`, {
      hint: 'the session writes it as it starts; restore it from a backup of the session folder',
      context: { file },
      cause: e,
    });
  }
  const calendars = raw.calendars;
  return {
    run: runConfigOf(raw.run ?? {}, file),
    isReplay: typeof raw.source === 'string' && raw.source.startsWith('replay'),
    ...(calendars !== null && typeof calendars === 'object' ? { calendars: calendars as Record<string, string> } : {}),
  };
}

/** Each order's send time, from the ledger's record of the session (empty when it has none). */
async function sendTimes(
  config: Config,
  home: string,
  sessionId: string,
): Promise<{ sentAt: Map<string, number>; ledger: DriftJobResult['ledger'] }> {
  const sentAt = new Map<string, number>();
  let ledger;
  try {
    ledger = await createLedger(config, home);
  } catch (e) {
    // The report stands without latencies: the comparison itself needs only the files.
    if (isMomenticError(e)) return { sentAt, ledger: 'unavailable' };
    throw e;
  }
  try {
    if ((await ledger.getRun(sessionId)) === undefined) return { sentAt, ledger: 'no run' };
    for (const o of await ledger.listOrders({ runId: sessionId, limit: Number.MAX_SAFE_INTEGER })) {
      if (o.sentAt !== undefined) sentAt.set(o.clientOrderId, o.sentAt);
    }
    return { sentAt, ledger: 'read' };
  } finally {
    await ledger.close();
  }
}

export function runDriftJob(o: Parameters<typeof driftJob>[0]): Promise<DriftJobResult> {
  return withinHookBudget(() => driftJob(o));
}

async function driftJob(o: {
  readonly home: string;
  readonly config: Config;
  readonly sessionId: string;
  readonly toleranceBps: number;
}): Promise<DriftJobResult> {
  const { home, config, sessionId } = o;
  const dir = sessionDir(home, sessionId);
  const sessionFile = join(dir, SESSION_FILES.session);
  const { run, calendars, isReplay } = readSessionJson(sessionFile);
  const bars = readSessionBars(join(dir, SESSION_FILES.bars));
  const session = readResults(dir).record;
  if (isStrategyFile(run.strategy.name)) {
    await loadStrategyFile(run.strategy.name, undefined, { hookTimeoutMs: config.engine.hook_timeout_ms });
  }
  // Sessions recorded before session.json kept calendars take them as the session did.
  const store = new RawStore(home, config.data.format);
  // A session of a universe is replayed with its membership, read as the session read it.
  const universe = sessionUniverse(home, run, { file: sessionFile, dates: isReplay ? 'exact' : 'latest' });
  const calendarOf = new Map(
    (universe?.symbols ?? run.data.symbols).map((s) => [
      s,
      calendars?.[s] ?? store.entry(s, run.data.timeframe)?.calendar ?? config.market,
    ]),
  );
  // The session's bars are exactly what it traded on: no date range to apply, no benchmark. A
  // session always runs the risk manager, with its stale-data limit.
  // The session placed no order on its warm-up history: the replay holds the same first steps.
  const warmupSteps = new Set(bars.series.flatMap((x) => Array.from(x.ts).filter((t) => t <= bars.warmupThrough))).size;
  const replayRun: RunConfig = {
    ...run,
    warmup: Math.max(run.warmup ?? 0, warmupSteps),
    data: { ...run.data, start: null, end: null, benchmark: null },
    risk: { enabled: true, limits: sessionRiskLimits(run) },
  };
  const { record: replay } = runConfigured(
    replayRun,
    {
      series: bars.series,
      instrument: instrumentOf(calendarOf),
      ...(universe === undefined ? {} : { membership: universe.membership }),
    },
    { runId: sessionId, paramSource: { file: sessionFile } },
  );
  const { sentAt, ledger } = await sendTimes(config, home, sessionId);
  const report = compareDrift(session, replay, { toleranceBps: o.toleranceBps, sentAt });
  const files = { json: join(dir, DRIFT_FILES.json), html: join(dir, DRIFT_FILES.html) };
  writeFileSync(files.json, `${canonicalJson({ session_id: sessionId, ...report })}\n`);
  writeFileSync(files.html, driftHtml(sessionId, report));
  return { sessionId, dir, report, bars: { live: bars.live, history: bars.history }, ledger, files };
}

/** A service job as the ledger keeps it (docs/service.md, "Jobs"). */
export interface StoredJob {
  readonly id: string;
  /** `backtest`, `sweep` or `walkforward`. */
  readonly kind: string;
  /** `queued`, `running`, `succeeded`, `failed`, `cancelled` or `interrupted`. */
  readonly status: string;
  /** The request body as the API took it. */
  readonly request: Readonly<Record<string, unknown>>;
  /** Who asked: `token:ID`. */
  readonly actor: string;
  readonly progress: number;
  readonly message: string | null;
  readonly resultId: string | null;
  /** Why it failed, in the CLI's JSON error shape. */
  readonly error: Readonly<Record<string, unknown>> | null;
  /** The server process that runs or ran it: `host:pid:instance`. */
  readonly server: string;
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** Last write by its server: a running job's server refreshes it while it lives. */
  readonly updatedAt: number;
}

export interface StoredJobFilter {
  readonly statuses?: readonly string[];
  readonly kind?: string;
  /** Newest first; default 200. */
  readonly limit?: number;
}

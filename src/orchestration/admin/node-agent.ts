/**
 * A running node's admin desk (docs/operations.md, "Admin controls"): it writes the node's
 * heartbeat to the ledger every second and takes the operator's commands from it, polling
 * every 200 ms, or at once when Redis rings (`MOMENTIC_REDIS_URL`). Each command is applied
 * between bars through the session's controls, then answered in the ledger with its audit
 * entry once the journal holds what it did (a cancel's transition, a closing order), so that
 * whoever reads the answer reads the ledger as the command left it.
 *
 * Admin trouble never stops trading: a heartbeat or poll that fails is logged and tried again
 * (a ledger that cannot be written stops the session through its journal anyway).
 */
import { hostname } from 'node:os';
import type { Logger } from '../../core/logger.js';
import type { LedgerStore } from '../../store/ledger.js';
import type { AdminAck, AdminCommand } from '../../store/admin-types.js';
import { applyCommand, type CommandOutcome } from './apply-command.js';
import { auditEntryOf } from './audit-entry.js';
import { nodeState } from './node-state.js';
import { ackChannel, commandChannel, RedisNudge } from './redis-nudge.js';
import type { NodeControls } from './session-controls.js';

export interface NodeAgentOptions {
  readonly ledger: LedgerStore;
  /** The session's run id: the node's name in the ledger. */
  readonly runId: string;
  readonly mode: string;
  readonly startedAt: number;
  /** Empty or absent: the ledger is polled alone. */
  readonly redisUrl?: string;
  /** Resolves once the session's journal holds every write so far. */
  readonly settled?: () => Promise<void>;
  readonly logger?: Logger;
  /** Default 200 ms. */
  readonly pollMs?: number;
  /** Default 1000 ms. */
  readonly heartbeatMs?: number;
  /** The wall clock (default Date.now): heartbeats and answers are wall-clock times. */
  readonly now?: () => number;
}

export class NodeAgent {
  readonly #o: NodeAgentOptions;
  readonly #now: () => number;
  /** The session's controls while it trades (commands are taken only then). */
  #controls: NodeControls | undefined;
  /** The controls last attached: the last heartbeat reports them. */
  #last: NodeControls | undefined;
  #timers: ReturnType<typeof setInterval>[] = [];
  #redis: RedisNudge | undefined;
  #polling: Promise<void> | undefined;
  #again = false;
  #failing = false;
  #beating: Promise<void> = Promise.resolve();

  constructor(o: NodeAgentOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
  }

  /** Opens Redis when configured (before the session starts: the first command may come at once). */
  async open(): Promise<void> {
    const url = this.#o.redisUrl ?? '';
    if (url === '') return;
    this.#redis = await RedisNudge.open(url, {
      reconnect: true,
      ...(this.#o.logger === undefined ? {} : { logger: this.#o.logger }),
    });
    await this.#redis?.subscribe(commandChannel(this.#o.runId), () => void this.poll());
  }

  /**
   * Starts beating and taking commands for the session's controls; returns the stop (the feed
   * ended: no command is applied after it, those still pending are answered by `close`).
   */
  attach(controls: NodeControls): () => void {
    this.#controls = controls;
    this.#last = controls;
    void this.beat();
    void this.poll();
    this.#timers = [
      setInterval(() => void this.beat(), this.#o.heartbeatMs ?? 1000),
      setInterval(() => void this.poll(), this.#o.pollMs ?? 200),
    ];
    return () => {
      this.#controls = undefined;
      this.#stopTimers();
    };
  }

  /**
   * Takes the node's pending commands, oldest first. A call while one runs makes that one look
   * again when done (a Redis ring during a poll is not lost).
   */
  poll(): Promise<void> {
    if (this.#polling !== undefined) {
      this.#again = true;
      return this.#polling;
    }
    const run = async (): Promise<void> => {
      do {
        this.#again = false;
        const controls = this.#controls;
        if (controls === undefined) return;
        try {
          for (const c of await this.#o.ledger.pendingAdminCommands(this.#o.runId)) await this.#handle(controls, c);
          this.#failing = false;
        } catch (e) {
          if (!this.#failing)
            this.#o.logger?.warn({ error: (e as Error).message }, 'admin controls: reading commands failed');
          this.#failing = true;
        }
      } while (this.#again);
    };
    this.#polling = run().finally(() => (this.#polling = undefined));
    return this.#polling;
  }

  /**
   * Stops: the last heartbeat says the node stopped, and commands still pending are answered
   * `refused` (the session ended before it could apply them) instead of left to time out.
   */
  async close(): Promise<void> {
    this.#stopTimers();
    this.#controls = undefined;
    await this.#polling;
    const controls = this.#last;
    try {
      if (controls !== undefined) {
        for (const c of await this.#o.ledger.pendingAdminCommands(this.#o.runId)) {
          await this.#answer(c, { status: 'refused', message: 'the session ended before it could apply the command' });
        }
      }
      await this.#beating;
      await this.#o.ledger.beat({
        ...this.#heartbeat(controls),
        stoppedAt: this.#now(),
      });
    } catch (e) {
      this.#o.logger?.warn({ error: (e as Error).message }, 'admin controls: the last heartbeat failed');
    } finally {
      this.#redis?.close();
      this.#redis = undefined;
    }
  }

  #stopTimers(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
  }

  #heartbeat(controls: NodeControls | undefined) {
    return {
      runId: this.#o.runId,
      mode: this.#o.mode,
      host: hostname(),
      pid: process.pid,
      startedAt: this.#o.startedAt,
      beatAt: this.#now(),
      state: controls === undefined ? {} : (nodeState(controls) as unknown as Record<string, unknown>),
    };
  }

  /** Writes a heartbeat now (one at a time: a slow write is not overtaken by an older state). */
  beat(): Promise<void> {
    const controls = this.#controls ?? this.#last;
    if (controls === undefined) return this.#beating;
    this.#beating = this.#beating.then(async () => {
      try {
        await this.#o.ledger.beat(this.#heartbeat(controls));
      } catch (e) {
        this.#o.logger?.warn({ error: (e as Error).message }, 'admin controls: heartbeat failed');
      }
    });
    return this.#beating;
  }

  async #handle(controls: NodeControls, c: AdminCommand): Promise<void> {
    if (this.#now() >= c.expiresAt) {
      await this.#answer(c, { status: 'expired', message: 'reached the node after its deadline; not applied' });
      return;
    }
    let outcome: CommandOutcome;
    try {
      outcome = applyCommand(controls, c);
    } catch (e) {
      outcome = { status: 'refused', message: `the node could not apply it: ${(e as Error).message}` };
    }
    this.#o.logger?.info(
      { command: c.id, action: c.action, args: c.args, actor: c.actor, status: outcome.status },
      `admin ${c.action}: ${outcome.message}`,
    );
    // The ledger holds what the command did (the cancels, the closing orders) and the heartbeat
    // the node's new state before the answer says it is done.
    await this.#o.settled?.().catch(() => undefined);
    await this.beat();
    // Applied: its answer stands even if the issuer gave up meanwhile (both are then audited).
    await this.#answer(c, outcome, ['pending', 'expired']);
  }

  async #answer(
    c: AdminCommand,
    outcome: CommandOutcome | Pick<AdminAck, 'status' | 'message'>,
    from: readonly AdminCommand['status'][] = ['pending'],
  ): Promise<void> {
    const controls = this.#last;
    const ack: AdminAck = {
      status: outcome.status,
      at: this.#now(),
      message: outcome.message,
      detail: {
        ...('detail' in outcome ? outcome.detail : {}),
        ...(controls === undefined ? {} : { kill_switch: controls.killSwitch().state }),
      },
    };
    await this.#o.ledger.answerAdminCommand(c.id, ack, auditEntryOf(c, ack), from);
    await this.#redis?.publish(ackChannel(this.#o.runId), String(c.id));
  }
}

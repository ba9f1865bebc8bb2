import { resolve } from 'node:path';
import type { Logger, LogLevel } from '../core/logger.js';
import type { FlagValue, LoadedConfig } from '../config/loader.js';
import type { CliIo } from './io.js';

/** Global options every command accepts. */
export interface GlobalOptions {
  readonly home?: string;
  readonly config?: string;
  readonly json?: boolean;
  readonly logLevel?: string;
  /** Create the workspace folder (and its data/ and state/ folders) when missing. */
  readonly init?: boolean;
}

export interface ConfigOptions {
  /**
   * Whether the workspace folder must exist (default true). `doctor` reports a missing one as a
   * failed check (and creates it with --fix) instead.
   */
  readonly requireWorkspace?: boolean;
}

/** What a command's handler gets: the io, the global options, and lazy config and logger. */
export class CommandContext {
  readonly io: CliIo;
  readonly globals: GlobalOptions;
  /** The command line as given (a supervisor runs it again in a child process). */
  readonly argv: readonly string[];
  #loaded: LoadedConfig | undefined;
  #logger: Logger | undefined;
  readonly #logTaps = new Set<(line: string) => void>();

  constructor(io: CliIo, globals: GlobalOptions, argv: readonly string[] = []) {
    this.io = io;
    this.globals = globals;
    this.argv = argv;
  }

  get json(): boolean {
    return this.globals.json === true;
  }

  /**
   * Loads (once) the layered config; `flags` are this command's config-setting flags. A workspace
   * folder that does not exist is refused (USAGE_NO_WORKSPACE) unless `--init` creates it.
   */
  async config(flags: readonly FlagValue[] = [], options: ConfigOptions = {}): Promise<LoadedConfig> {
    if (this.#loaded === undefined) {
      const { loadConfig } = await import('../config/loader.js');
      const { initWorkspace, requireWorkspace } = await import('../orchestration/workspace.js');
      const fromEnv = this.globals.home === undefined && this.io.env.MOMENTIC_HOME !== undefined;
      const home = resolve(this.io.cwd, this.globals.home ?? this.io.env.MOMENTIC_HOME ?? '.');
      const where = fromEnv ? { key: 'MOMENTIC_HOME' } : { flag: '--home' };
      if (this.globals.init === true) initWorkspace(home, where);
      if (options.requireWorkspace !== false) requireWorkspace(home, where);
      const all: FlagValue[] = [...flags];
      if (this.globals.logLevel !== undefined) {
        all.push({ path: 'log.level', value: this.globals.logLevel, flag: '--log-level' });
      }
      this.#loaded = loadConfig({
        env: this.io.env,
        cwd: this.io.cwd,
        flags: all,
        ...(this.globals.home === undefined ? {} : { home: this.globals.home }),
        ...(this.globals.config === undefined ? {} : { configFile: this.globals.config }),
      });
    }
    return this.#loaded;
  }

  async logger(): Promise<Logger> {
    if (this.#logger === undefined) {
      const loaded = await this.config();
      const { createLoggerSync } = await import('../core/logger.js');
      const { lazyLogger } = await import('../core/lazy-logger.js');
      const level = loaded.config.log.level as LogLevel;
      this.#logger = lazyLogger(level, () =>
        createLoggerSync({
          level,
          pretty: this.io.isTTY && !this.json,
          write: (line) => {
            this.io.stderr(line);
            for (const tap of this.#logTaps) tap(line);
          },
        }),
      );
    }
    return this.#logger;
  }

  /**
   * Every line the logger writes (JSON, secrets scrubbed) also goes to `tap` (the WebSocket feed's
   * `logs` channel of a session served with --serve); returns the function that removes it.
   */
  tapLog(tap: (line: string) => void): () => void {
    this.#logTaps.add(tap);
    return () => this.#logTaps.delete(tap);
  }

  out(text: string): void {
    this.io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  }

  outJson(value: unknown): void {
    this.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  }
}

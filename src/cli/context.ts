import type { Logger, LogLevel } from '../core/logger.js';
import type { FlagValue, LoadedConfig } from '../config/loader.js';
import type { CliIo } from './io.js';

/** Global options every command accepts. */
export interface GlobalOptions {
  readonly home?: string;
  readonly config?: string;
  readonly json?: boolean;
  readonly logLevel?: string;
}

/** What a command's handler gets: the io, the global options, and lazy config and logger. */
export class CommandContext {
  readonly io: CliIo;
  readonly globals: GlobalOptions;
  #loaded: LoadedConfig | undefined;
  #logger: Logger | undefined;

  constructor(io: CliIo, globals: GlobalOptions) {
    this.io = io;
    this.globals = globals;
  }

  get json(): boolean {
    return this.globals.json === true;
  }

  /** Loads (once) the layered config; `flags` are this command's config-setting flags. */
  async config(flags: readonly FlagValue[] = []): Promise<LoadedConfig> {
    if (this.#loaded === undefined) {
      const { loadConfig } = await import('../config/loader.js');
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
        createLoggerSync({ level, pretty: this.io.isTTY && !this.json, write: (line) => this.io.stderr(line) }),
      );
    }
    return this.#logger;
  }

  out(text: string): void {
    this.io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  }

  outJson(value: unknown): void {
    this.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  }
}

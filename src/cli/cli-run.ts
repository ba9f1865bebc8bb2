import { ExitCode } from '../core/error-codes.js';
import { CommandContext, type GlobalOptions } from './context.js';
import type { CliIo } from './io.js';

/**
 * The state of one `runCli` call. Each call makes its own and the command actions reach it
 * through their closure, so runs in one process (tests, even concurrent ones) never share it.
 */
export class CliRun {
  readonly #io: CliIo;
  readonly #argv: readonly string[];
  #exitCode: number = ExitCode.Ok;
  #isJson: boolean;
  #logLevel: string | undefined;

  /** `argv` gives a first guess at `--json`, so a parse error before any action renders right. */
  constructor(io: CliIo, argv: readonly string[]) {
    this.#io = io;
    this.#argv = argv;
    this.#isJson = argv.includes('--json');
  }

  get exitCode(): number {
    return this.#exitCode;
  }

  /** Whether errors render as JSON on stdout. */
  get isJson(): boolean {
    return this.#isJson;
  }

  /** `--log-level` as parsed (undefined before a command's action runs, or when not given). */
  get logLevel(): string | undefined {
    return this.#logLevel;
  }

  /** The handler's context; the parsed globals also settle how errors render. */
  context(globals: GlobalOptions): CommandContext {
    this.#isJson = globals.json === true;
    this.#logLevel = globals.logLevel;
    return new CommandContext(this.#io, globals, this.#argv);
  }

  /** Records what the handler returned; nothing means success. */
  finish(code: number | void): void {
    this.#exitCode = typeof code === 'number' ? code : ExitCode.Ok;
  }
}

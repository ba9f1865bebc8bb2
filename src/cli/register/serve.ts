import type { Command } from 'commander';
import type { Lazy } from './lazy.js';

/** `momentic serve`: the HTTP API, /metrics and health checks (docs/service.md). */
export function registerServe(program: Command, lazy: Lazy): void {
  program
    .command('serve')
    .description(
      'serve the API (reads, backtest and sweep jobs, admin commands), Prometheus /metrics, /healthz and /readyz; loopback only unless --host says otherwise',
    )
    .option('--host <address>', 'address to listen on (default 127.0.0.1); another needs an API token to exist')
    .option('--port <n>', 'port to listen on (default serve.port, 8750; 0: any free port)')
    .action(lazy(async () => (await import('../commands/serve.js')).serve));
}

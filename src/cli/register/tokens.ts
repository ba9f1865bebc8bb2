import { type Command, Option } from 'commander';
import { TOKEN_ROLES } from '../../store/token-types.js';
import type { Lazy } from './lazy.js';

/** `momentic tokens create|ls|revoke`: API tokens of the service, kept hashed in the ledger. */
export function registerTokens(program: Command, lazy: Lazy): void {
  const tokens = program.command('tokens').description('API tokens of momentic serve (kept hashed in the ledger)');
  tokens
    .command('create')
    .description('make a token and print it once: viewer reads, operator also operates, admin also manages tokens')
    .addOption(new Option('--role <role>', 'what the token may do').choices(TOKEN_ROLES).makeOptionMandatory())
    .option('--name <name>', 'who or what holds it (default: the role)')
    .action(lazy(async () => (await import('../commands/tokens.js')).tokensCreate));
  tokens
    .command('ls')
    .description('list the tokens (id, name, role, created, last used, revoked); never their secrets')
    .action(lazy(async () => (await import('../commands/tokens.js')).tokensLs));
  tokens
    .command('revoke')
    .description('revoke a token: the server refuses it from the next request on')
    .argument('<id>', 'the token id (momentic tokens ls; the 12 hex digits after mtk_)')
    .action(lazy(async () => (await import('../commands/tokens.js')).tokensRevoke));
}

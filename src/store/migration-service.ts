import { sql, type Kysely, type Migration } from 'kysely';
import { TOKEN_ROLES } from './token-types.js';

type Db = Kysely<unknown>;

/**
 * 0004: what the service needs. Its API tokens: only a hash of each token's secret is kept (the
 * token is shown once, when created); a revoked token keeps its row, so `tokens ls` and the audit
 * log still name it. And an index of runs by status: the API's books "now" are those of the
 * sessions still running, found without reading every run the ledger ever recorded.
 */
export function serviceMigration(): Migration {
  return {
    async up(db: Db): Promise<void> {
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) =>
          c.notNull().check(sql.raw(`role in (${TOKEN_ROLES.map((r) => `'${r}'`).join(',')})`)),
        )
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('runs_status_started_at').on('runs').columns(['status', 'started_at']).execute();
    },
    async down(db: Db): Promise<void> {
      await db.schema.dropIndex('runs_status_started_at').execute();
      await db.schema.dropTable('api_tokens').execute();
    },
  };
}

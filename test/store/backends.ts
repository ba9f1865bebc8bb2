import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../../src/config/schema.js';
import { tempDir } from '../support/cli.js';

/** PostgreSQL of this machine kind and of CI (trust auth, database `test`). */
export const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A database the store tests may create, use and drop: no mocks, the real engines. */
export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** A new empty database: the config and workspace that createLedger opens it with. */
  fresh(): Promise<{ config: Pick<Config, 'database'>; home: string }>;
  /** Runs SQL on a database made by fresh() (set up corner cases the ledger API refuses to make). */
  exec(db: { config: Pick<Config, 'database'>; home: string }, text: string): Promise<void>;
  /** Drops everything fresh() made. */
  cleanup(): Promise<void>;
}

export function sqliteBackend(): Backend {
  const homes: string[] = [];
  return {
    name: 'sqlite',
    async fresh() {
      const home = tempDir('momentic-ledger-');
      homes.push(home);
      return { config: { database: { url: '' } }, home };
    },
    async exec(db, text) {
      const d = new Database(join(db.home, 'state', 'momentic.db'));
      try {
        d.exec(text);
      } finally {
        d.close();
      }
    },
    async cleanup() {
      for (const h of homes) rmSync(h, { recursive: true, force: true });
    },
  };
}

/**
 * A schema per fresh database (`ledger_test_<random>`), chosen through the URL's search_path as
 * a user would (`?options=-c search_path=...`), dropped by cleanup().
 */
export function postgresBackend(): Backend {
  const schemas: string[] = [];
  const admin = async <T>(f: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      return await f(c);
    } finally {
      await c.end();
    }
  };
  const urlOf = (schema: string) => `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    name: 'postgres',
    async fresh() {
      const schema = `ledger_test_${randomBytes(6).toString('hex')}`;
      await admin((c) => c.query(`create schema ${schema}`));
      schemas.push(schema);
      return { config: { database: { url: urlOf(schema) } }, home: tempDir('momentic-ledger-pg-') };
    },
    async exec(db, text) {
      const c = new pg.Client({ connectionString: db.config.database.url });
      await c.connect();
      try {
        await c.query(text);
      } finally {
        await c.end();
      }
    },
    async cleanup() {
      if (schemas.length === 0) return;
      await admin(async (c) => {
        for (const s of schemas) await c.query(`drop schema if exists ${s} cascade`);
      });
    },
  };
}

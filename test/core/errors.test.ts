import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DataError,
  describeLocation,
  ERROR_CODES,
  ExitCode,
  InternalError,
  RiskError,
  toMomenticError,
  UsageError,
  VenueError,
} from '../../src/core/index.js';
import { REPO } from '../support/paths.js';

describe('error catalogue', () => {
  const doc = readFileSync(join(REPO, 'docs', 'errors.md'), 'utf8');

  it('documents every code in docs/errors.md with its kind and exit code', () => {
    const rows = new Map(
      doc
        .split('\n')
        .filter((l) => l.startsWith('| `'))
        .map((l) => {
          const cells = l.split('|').map((c) => c.trim());
          return [cells[1]?.replace(/`/g, '') ?? '', { kind: cells[2], exit: Number(cells[3]) }] as const;
        }),
    );
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(rows.get(code), `docs/errors.md lacks ${code}`).toBeDefined();
      expect(rows.get(code)?.kind, code).toBe(info.kind);
      expect(rows.get(code)?.exit, code).toBe(new ConfigError(code as keyof typeof ERROR_CODES, 'x').exitCode);
    }
    // And documents no code that does not exist.
    for (const code of rows.keys()) expect(Object.keys(ERROR_CODES)).toContain(code);
  });

  it('maps each kind to the exit codes of DESIGN.md', () => {
    expect(new ConfigError('CONFIG_PARSE', 'x').exitCode).toBe(2);
    expect(new UsageError('USAGE_INVALID_DATE', 'x').exitCode).toBe(2);
    expect(new DataError('DATA_INVALID', 'x').exitCode).toBe(3);
    expect(new VenueError('VENUE_UNAVAILABLE', 'x', { retryable: true }).exitCode).toBe(4);
    expect(new RiskError('RISK_LIMIT', 'x').exitCode).toBe(5);
    expect(new InternalError('x').exitCode).toBe(ExitCode.Internal);
  });
});

describe('MomenticError', () => {
  it('carries code, hint and context, and names its class', () => {
    const e = new DataError('DATA_INVALID', 'high below low', {
      hint: 'fix the row',
      context: { file: 'a.csv', row: 7, column: 'high' },
    });
    expect(e.name).toBe('DataError');
    expect(e).toBeInstanceOf(Error);
    expect(e.toJSON()).toMatchObject({ code: 'DATA_INVALID', kind: 'data', exitCode: 3, hint: 'fix the row' });
    expect(describeLocation(e.context)).toBe('a.csv:7 (column high)');
  });

  it('describes keys and flags', () => {
    expect(describeLocation({ file: 'c.yaml', row: 3, key: 'data.provider' })).toBe('c.yaml:3, key data.provider');
    expect(describeLocation({ flag: '--from' })).toBe('--from');
    expect(describeLocation({})).toBe('');
  });

  it('marks venue errors retryable or not', () => {
    expect(new VenueError('VENUE_UNAVAILABLE', '503', { retryable: true, status: 503 }).retryable).toBe(true);
    expect(new VenueError('VENUE_AUTH', '401', { status: 401 }).retryable).toBe(false);
  });

  it('wraps foreign throwables as INTERNAL', () => {
    const e = toMomenticError(new TypeError('boom'));
    expect(e.code).toBe('INTERNAL');
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe('boom');
  });
});

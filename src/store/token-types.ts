/**
 * The roles a token may have, weakest first. Kept apart from the migrations (and their query
 * builder) so every command line can offer them as choices without loading the ledger's code.
 */
export const TOKEN_ROLES = ['viewer', 'operator', 'admin'] as const;

/** What a token may do: `viewer` reads, `operator` also operates, `admin` also manages tokens. */
export type TokenRole = (typeof TOKEN_ROLES)[number];

export interface NewApiToken {
  /** Public part of the token, shown by `tokens ls` and used to revoke it. */
  readonly id: string;
  /** Who or what holds it (`grafana`, `alice`). */
  readonly name: string;
  readonly role: TokenRole;
  /** sha256 (hex) of the token's secret part. */
  readonly secretHash: string;
  readonly createdAt: number;
}

export interface ApiToken extends NewApiToken {
  /** Last time a request carried it (kept to the minute: not every request writes). */
  readonly lastUsedAt?: number;
  readonly revokedAt?: number;
}

import { TOKEN_ROLES } from '../../store/token-types.js';
import type { TokenRole } from '../../store/token-types.js';

export { TOKEN_ROLES as ROLES };
export type Role = TokenRole;

/**
 * Who may call a route or join a channel: anyone (`anonymous`: the health probes only), or a
 * token with at least this role. Roles nest: an admin may do what an operator may, an operator
 * what a viewer may.
 */
export type Access = 'anonymous' | Role;

const RANK: Readonly<Record<Access, number>> = { anonymous: 0, viewer: 1, operator: 2, admin: 3 };

/** Whether a caller with `role` (undefined: no token) may use something that needs `needed`. */
export function allows(role: Role | undefined, needed: Access): boolean {
  return RANK[role ?? 'anonymous'] >= RANK[needed];
}

export function isRole(text: string): text is Role {
  return (TOKEN_ROLES as readonly string[]).includes(text);
}

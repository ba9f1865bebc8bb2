/**
 * The operator's commands to a running trading node (docs/operations.md, "Admin controls"):
 * their names, their arguments, and which need a reason. Checked before anything is issued, so
 * a malformed command exits 2 and never reaches the node.
 */
import { UsageError } from '../../core/errors.js';
import { parseLimit } from './limit-keys.js';

export const ADMIN_ACTIONS = [
  'halt',
  'resume',
  'reduce',
  'flatten',
  'pause',
  'unpause',
  'set-limit',
  'cancel-all',
] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

/**
 * Commands that change what the book may hold carry the reason a person gave, as
 * `momentic risk reset` does: halting, flattening, changing a limit, and trading again after a
 * halt (resume is the same decision as a reset of the kill switch).
 */
export const NEEDS_REASON: ReadonlySet<AdminAction> = new Set(['halt', 'flatten', 'set-limit', 'resume']);

/** The arguments each command takes, as the CLI names them. */
const ARGS: Readonly<Record<AdminAction, readonly string[]>> = {
  halt: [],
  resume: [],
  reduce: [],
  flatten: [],
  pause: ['STRATEGY'],
  unpause: ['STRATEGY'],
  'set-limit': ['KEY', 'VALUE'],
  'cancel-all': [],
};

/** What is issued: an action, its arguments (strings, as typed), and the reason. */
export interface AdminRequest {
  readonly action: AdminAction;
  readonly args: readonly string[];
  readonly reason?: string;
}

export function isAdminAction(s: string): s is AdminAction {
  return (ADMIN_ACTIONS as readonly string[]).includes(s);
}

/** The example of a command line, for hints. */
export function usageOf(action: AdminAction): string {
  const args = ARGS[action].map((a) => ` ${a}`).join('');
  return `momentic admin ${action}${args}${NEEDS_REASON.has(action) ? ' --reason "..."' : ''}`;
}

/**
 * Checks a command as given (action, arity, reason, a limit's key and value): a usage error
 * names what is wrong and how to write it. The reason is trimmed; an empty one is none.
 */
export function checkRequest(action: string, args: readonly string[], reason?: string): AdminRequest {
  if (!isAdminAction(action)) {
    throw new UsageError('USAGE_UNKNOWN_COMMAND', `admin ${action} is not an admin command`, {
      hint: `use one of ${ADMIN_ACTIONS.join(', ')} (or status)`,
      context: { value: action },
    });
  }
  const want = ARGS[action];
  if (args.length !== want.length) {
    throw new UsageError(
      'USAGE_MISSING_OPTION',
      `admin ${action} takes ${want.length === 0 ? 'no arguments' : want.join(' ')}; it was given ${args.length === 0 ? 'none' : args.join(' ')}`,
      { hint: usageOf(action), context: { value: args.join(' ') } },
    );
  }
  const why = reason?.trim() ?? '';
  if (NEEDS_REASON.has(action) && why === '') {
    throw new UsageError('USAGE_MISSING_OPTION', `admin ${action} needs the reason a person decided it (--reason)`, {
      hint: `${usageOf(action)}; it is written to the audit log with who and when`,
      context: { flag: '--reason' },
    });
  }
  if (action === 'set-limit') parseLimit(args[0] as string, args[1] as string);
  return { action, args: [...args], ...(why === '' ? {} : { reason: why }) };
}

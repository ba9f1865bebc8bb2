/**
 * The node's side of an admin command: applied to the running session through its controls, and
 * answered with what was done (`done`) or why not (`refused`). Applying never throws for a
 * command the issuer could not foresee (a strategy that is not this node's, a limit out of
 * range): the refusal is the answer, audited like any other.
 */
import { isMomenticError } from '../../core/errors.js';
import type { AdminCommand } from '../../store/admin-types.js';
import { checkRequest, type AdminAction } from './commands.js';
import { parseLimit } from './limit-keys.js';
import type { NodeControls } from './session-controls.js';

export interface CommandOutcome {
  readonly status: 'done' | 'refused';
  readonly message: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

const refused = (message: string, detail?: Record<string, unknown>): CommandOutcome => ({
  status: 'refused',
  message,
  ...(detail === undefined ? {} : { detail }),
});

/** `halted by alice@desk: drawdown review`: how the node's records name an operator's act. */
function byWhom(verb: string, c: AdminCommand): string {
  return `${verb} by ${c.actor} (admin ${c.action})${c.reason === undefined ? '' : `: ${c.reason}`}`;
}

export function applyCommand(node: NodeControls, c: AdminCommand): CommandOutcome {
  try {
    checkRequest(c.action, c.args, c.reason);
  } catch (e) {
    if (isMomenticError(e)) return refused(e.message, { hint: e.hint });
    throw e;
  }
  const action = c.action as AdminAction;
  switch (action) {
    case 'halt':
    case 'reduce': {
      const to = action === 'halt' ? 'HALTED' : 'REDUCING';
      const before = node.killSwitch().state;
      const changed = node.trip(to, byWhom(action === 'halt' ? 'halted' : 'reduced', c));
      return {
        status: 'done',
        message: changed
          ? `kill switch ${before} -> ${to}${to === 'HALTED' ? ': no new orders; positions are flattened at the next bar' : ': only orders that reduce a position pass'}`
          : `kill switch already ${before}: unchanged (it never de-escalates but by resume)`,
      };
    }
    case 'resume': {
      const before = node.killSwitch().state;
      const changed = node.resume(byWhom('resumed', c));
      return {
        status: 'done',
        message: changed
          ? `kill switch ${before} -> ACTIVE: trading as the limits allow`
          : 'kill switch already ACTIVE',
      };
    }
    case 'pause':
    case 'unpause': {
      const strategy = c.args[0] as string;
      if (!node.strategies.includes(strategy)) {
        return refused(`strategy ${strategy} does not run on this node; it runs ${node.strategies.join(', ')}`, {
          running: [...node.strategies],
        });
      }
      if (action === 'pause') {
        const changed = node.pause(strategy, byWhom('paused', c));
        return {
          status: 'done',
          message: changed
            ? `strategy ${strategy} paused: its new orders are held until unpause`
            : `strategy ${strategy} was paused already`,
        };
      }
      const changed = node.unpause(strategy);
      return {
        status: 'done',
        message: changed
          ? `strategy ${strategy} unpaused: its orders go out again`
          : `strategy ${strategy} was not paused`,
      };
    }
    case 'set-limit': {
      const change = parseLimit(c.args[0] as string, c.args[1] as string);
      const { from, to } = node.setLimit(change);
      return {
        status: 'done',
        message: `${change.key}: ${from} -> ${to} from the next order on`,
        detail: { key: change.key, from, to },
      };
    }
    case 'cancel-all': {
      const cancelled = node.cancelAll();
      return {
        status: 'done',
        message: `cancel requested for ${cancelled.length} open order${cancelled.length === 1 ? '' : 's'}`,
        detail: { cancelled },
      };
    }
    case 'flatten': {
      const r = node.flatten(String(c.id));
      const parts = [
        `cancel requested for ${r.cancelled.length} open order${r.cancelled.length === 1 ? '' : 's'}`,
        `${r.orders.length} closing market order${r.orders.length === 1 ? '' : 's'} sent`,
      ];
      for (const x of r.refused) parts.push(`${x.symbol} not closed: ${x.reason}`);
      return {
        status: r.refused.length === 0 ? 'done' : 'refused',
        message: parts.join('; '),
        detail: { cancelled: r.cancelled, orders: r.orders, refused: r.refused },
      };
    }
  }
}

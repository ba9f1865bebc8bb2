import type { AdminAck, AdminCommand } from '../../store/admin-types.js';
import type { AuditEntry } from '../../store/types.js';

/**
 * The audit log's entry for an answered command: who (`actor`), what (`admin.<action>` on the
 * node's session id), when (the answer's time), why (the reason), and the node's answer with the
 * time it took from issue to answer.
 */
export function auditEntryOf(c: AdminCommand, ack: AdminAck): AuditEntry {
  return {
    ts: ack.at,
    actor: c.actor,
    action: `admin.${c.action}`,
    subject: c.runId,
    detail: {
      command_id: c.id,
      args: c.args,
      reason: c.reason ?? null,
      issued_at: c.issuedAt,
      ack: {
        status: ack.status,
        message: ack.message,
        at: ack.at,
        latency_ms: ack.at - c.issuedAt,
        ...ack.detail,
      },
    },
  };
}

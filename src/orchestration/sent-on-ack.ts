/**
 * "Sent", for an order handed to a broker: the moment the broker acknowledged it, on the
 * session's clock. The acknowledgement may come as the broker's answer or as a stream update
 * stamped by the broker's clock, which can be off or jump; the ledger's `sent_at` is the session's
 * own time (drift measures latency from it, a restart times cancels from it).
 */
import type { Clock, ExecutionClient, Ledger } from '../engine/ports.js';

/** Marks each order sent when the client reports it accepted; returns the unsubscribe. */
export function markSentOnAck(execution: ExecutionClient, journal: Pick<Ledger, 'markSent'>, clock: Clock): () => void {
  return execution.subscribe((e) => {
    if (e.kind === 'accepted') journal.markSent(e.order.clientOrderId, clock.now());
  });
}

import { RISK_CHECKS } from '../../risk/types.js';

const CHECKS = new Set<string>(RISK_CHECKS);

/**
 * The `reason` label of a rejected order: a bounded set, never the free text (a venue's message
 * would make a new time series per wording). A risk denial is named by its check
 * (`max_position`), the engine's own refusals by what they are, any venue rejection `venue`.
 */
export function rejectReasonLabel(reason: string | undefined): string {
  if (reason === undefined) return 'venue';
  const risk = /^risk ([a-z_]+):/.exec(reason);
  if (risk !== null) return CHECKS.has(risk[1] as string) ? (risk[1] as string) : 'risk';
  if (reason.startsWith('client order id ')) return 'duplicate_client_order_id';
  if (reason.startsWith('warm-up')) return 'warmup';
  if (reason.startsWith('orders are accepted')) return 'not_running';
  if (reason.startsWith('no new entries')) return 'quiet_window';
  return 'venue';
}

/**
 * One cheap read of the broker, its clock (Alpaca's GET /v2/clock), serving two checks:
 * broker unreachable (`failures` reads in a row failed, each after the HTTP client's own
 * retries) and clock skew (the venue's time against ours beyond `maxSkewMs`). The venue stamps
 * its time somewhere between our request and its answer, so the skew is measured from the
 * round trip's midpoint and only its part beyond half the round trip counts: a slow answer
 * never reads as a skewed clock.
 */
import { span, type Check, type Verdict } from './check.js';

export interface VenueProbeOptions {
  /** `alpaca`: named in the faults. */
  readonly venue: string;
  /** The venue's time now (epoch ms); rejects when the venue cannot be read. */
  readonly clock: (signal: AbortSignal) => Promise<number>;
  readonly failures: number;
  readonly maxSkewMs: number;
  readonly everyMs: number;
  /** Our wall clock, around the read (default Date.now). */
  readonly wallNow?: () => number;
}

export function venueProbe(o: VenueProbeOptions): Check {
  const wallNow = o.wallNow ?? Date.now;
  let failed = 0;
  return {
    names: ['broker_unreachable', 'clock_skew'],
    everyMs: o.everyMs,
    async run(_now, signal) {
      const sent = wallNow();
      let venueTs: number;
      try {
        venueTs = await o.clock(signal);
      } catch (e) {
        failed++;
        const why = e instanceof Error ? e.message : String(e);
        if (failed < o.failures) return [{ check: 'broker_unreachable' }];
        return [
          {
            check: 'broker_unreachable',
            fault: `${o.venue} did not answer ${failed} reads of its clock in a row (limit ${o.failures}; last: ${why})`,
          },
        ];
      }
      failed = 0;
      const received = wallNow();
      const skew = venueTs - (sent + received) / 2;
      const slack = (received - sent) / 2;
      const out: Verdict[] = [{ check: 'broker_unreachable' }];
      if (Math.abs(skew) - slack <= o.maxSkewMs) out.push({ check: 'clock_skew' });
      else
        out.push({
          check: 'clock_skew',
          fault: `the ${o.venue} clock is ${span(skew)} ${skew > 0 ? 'ahead of' : 'behind'} ours (limit ${span(o.maxSkewMs)}, read in ${received - sent} ms): sync this machine's clock (NTP)`,
        });
      return out;
    },
  };
}

/**
 * Stream lost: the feed's connection to its venue has been down longer than `afterMs`. The feed
 * keeps reconnecting meanwhile and gives up only past `live.stream_timeout` (the kill switch
 * halts then); this check says so earlier, with the action chosen for it. A feed with nothing to
 * lose (a replay) has no link and is never faulted.
 */
import type { FeedLink } from '../../engine/ports.js';
import { span, type Check } from './check.js';

export interface StreamLostOptions {
  /** `alpaca`: named in the fault. */
  readonly feed: string;
  readonly link: () => FeedLink | undefined;
  readonly afterMs: number;
  readonly everyMs: number;
}

export function streamLostCheck(o: StreamLostOptions): Check {
  return {
    names: ['stream_lost'],
    everyMs: o.everyMs,
    run(now) {
      const link = o.link();
      if (link === undefined || link.isUp || now - link.since <= o.afterMs) return [{ check: 'stream_lost' }];
      return [
        {
          check: 'stream_lost',
          fault: `the ${o.feed} market-data stream has been down for ${span(now - link.since)} (limit ${span(o.afterMs)}); it keeps reconnecting`,
        },
      ];
    },
  };
}

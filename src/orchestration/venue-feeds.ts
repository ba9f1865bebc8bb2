/**
 * The market-data stream of a session's venue (`live.venue`), with its warm-up history
 * (`live.warmup_bars`) and its lost-stream limit (`live.stream_timeout`): Alpaca's
 * (alpaca-session.ts) when the venue's keys and URLs are at hand (`venueFeeds(ctx)`). The
 * simulated venue has no stream: it is refused with the way to rehearse instead, a replayed file.
 */
import type { Timeframe } from '../core/enums.js';
import { UsageError } from '../core/errors.js';
import type { LiveFeed } from '../engine/ports.js';
import type { RunConfig } from '../config/run-config.js';
import type { ProviderContext } from '../venues/context.js';
import { alpacaFeed } from './alpaca-session.js';

export interface VenueFeedRequest {
  readonly venue: RunConfig['live']['venue'];
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  readonly warmupBars: number;
  readonly streamTimeoutMs: number;
}

export function venueFeed(req: VenueFeedRequest): LiveFeed {
  if (req.venue === 'simulated') {
    throw new UsageError('USAGE_MISSING_OPTION', 'live.venue is simulated: there is no market-data stream to follow', {
      hint: 'replay a bars file with --source replay:FILE, or set live.venue: alpaca in the run file',
      context: { flag: '--source', key: 'live.venue' },
    });
  }
  throw new UsageError('USAGE_MISSING_OPTION', `no ${req.venue} market-data stream was given to the session`, {
    hint: 'build the session with venueFeeds(ctx) (its keys and URLs), or rehearse on a bars file with --source replay:FILE',
    context: { flag: '--source', key: 'live.venue' },
  });
}

/** The venues' streams from their context: Alpaca's for `alpaca`, the refusal above otherwise. */
export function venueFeeds(ctx: ProviderContext): (req: VenueFeedRequest) => LiveFeed {
  return (req) => (req.venue === 'alpaca' ? alpacaFeed(ctx, req) : venueFeed(req));
}

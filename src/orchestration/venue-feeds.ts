/**
 * The market-data stream of a session's venue (`live.venue`), with its warm-up history
 * (`live.warmup_bars`) and its lost-stream limit (`live.stream_timeout`). A venue without a
 * stream in this build is refused with the way to rehearse instead: a replayed file.
 */
import type { Timeframe } from '../core/enums.js';
import { UsageError } from '../core/errors.js';
import type { LiveFeed } from '../engine/ports.js';
import type { RunConfig } from '../config/run-config.js';

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
  throw new UsageError('USAGE_MISSING_OPTION', `this build cannot follow the ${req.venue} market-data stream yet`, {
    hint: 'rehearse the session on a bars file with --source replay:FILE (e.g. --source replay:bars.csv --speed max)',
    context: { flag: '--source', key: 'live.venue' },
  });
}

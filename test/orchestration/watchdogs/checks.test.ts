/**
 * Each watchdog check with its fault injected through fake inputs (times hand-picked on the XNYS
 * calendar of 2024-01-02, open 14:30 to 21:00 UTC): what it reports healthy, what it reports as a
 * fault and in which words. The venue, stream and ledger checks are also run against the fakes
 * and real ledgers in their own files.
 */
import { describe, expect, it } from 'vitest';
import { VenueError } from '../../../src/core/errors.js';
import { diskSpaceCheck } from '../../../src/orchestration/watchdogs/disk-space.js';
import { ledgerProbe } from '../../../src/orchestration/watchdogs/ledger-probe.js';
import { marketHours } from '../../../src/orchestration/watchdogs/session-watch.js';
import { staleDataCheck } from '../../../src/orchestration/watchdogs/stale-data.js';
import { streamLostCheck } from '../../../src/orchestration/watchdogs/stream-lost.js';
import { venueProbe } from '../../../src/orchestration/watchdogs/venue-probe.js';
import type { Check, Verdict } from '../../../src/orchestration/watchdogs/check.js';

const MIN = 60_000;
const at = (hhmm: string, day = '2024-01-02'): number => Date.parse(`${day}T${hhmm}:00Z`);
const signal = new AbortController().signal;
const run = async (c: Check, now = 0): Promise<readonly Verdict[]> => c.run(now, signal);

describe('stale data, per symbol', () => {
  const xnys = marketHours('XNYS');
  const check = (last: Record<string, number>, startedAt = at('14:30')) =>
    staleDataCheck({
      symbols: ['AAA', 'BBB'],
      barMs: MIN,
      afterMs: 5 * MIN,
      everyMs: 1000,
      startedAt,
      lastBar: (s) => last[s],
      hours: (_s, ts) => xnys(ts),
    });

  it('a symbol whose next bar is 6 minutes past due is stale; one that printed a minute ago is not', async () => {
    // AAA's last bar began 14:40, so the 14:41 bar was due at 14:42; at 14:48 it is 6 minutes late.
    const v = await run(check({ AAA: at('14:40'), BBB: at('14:46') }), at('14:48'));
    expect(v).toEqual([
      {
        check: 'stale_data',
        subject: 'AAA',
        fault:
          'no AAA bar for 6 min past the one due at 2024-01-02T14:42:00.000Z (the last began 2024-01-02T14:40:00.000Z; limit 5 min)',
      },
      { check: 'stale_data', subject: 'BBB' },
    ]);
  });

  it('exactly at the limit is not stale yet', async () => {
    const v = await run(check({ AAA: at('14:40'), BBB: at('14:40') }), at('14:47'));
    expect(v.filter((x) => x.fault !== undefined)).toEqual([]);
  });

  it("at the open, yesterday's last bar is not stale: the first bar is due one bar after the open", async () => {
    const yesterday = Date.parse('2024-01-01T20:59:00Z');
    expect((await run(check({ AAA: yesterday, BBB: yesterday }), at('14:33'))).some((x) => x.fault)).toBe(false);
    // 14:31 due, 14:37 is 6 minutes past it.
    const late = await run(check({ AAA: yesterday, BBB: at('14:35') }), at('14:37'));
    expect(late[0]?.fault).toContain('no AAA bar for 6 min past the one due at 2024-01-02T14:31:00.000Z');
  });

  it('nothing is stale while the market is closed (after the close, on a holiday)', async () => {
    const old = at('15:00');
    expect((await run(check({ AAA: old, BBB: old }), at('22:00'))).some((x) => x.fault)).toBe(false);
    const newYear = Date.parse('2024-01-01T16:00:00Z');
    expect((await run(check({}), newYear)).some((x) => x.fault)).toBe(false);
  });

  it('a symbol that never printed is stale past the limit after the start', async () => {
    const v = await run(check({ BBB: at('14:38') }, at('14:30')), at('14:40'));
    expect(v[0]).toEqual({
      check: 'stale_data',
      subject: 'AAA',
      fault: 'no AAA bar for 9 min past the one due at 2024-01-02T14:31:00.000Z (no bar yet; limit 5 min)',
    });
  });

  it('around the clock (24/7) the day boundary is no gap', async () => {
    const crypto = marketHours('24/7');
    const c = staleDataCheck({
      symbols: ['BTC/USD'],
      barMs: MIN,
      afterMs: 5 * MIN,
      everyMs: 1000,
      startedAt: 0,
      lastBar: () => Date.parse('2024-01-02T23:59:00Z'),
      hours: (_s, ts) => crypto(ts),
    });
    expect((await run(c, Date.parse('2024-01-03T00:03:00Z')))[0]?.fault).toBeUndefined();
    expect((await run(c, Date.parse('2024-01-03T00:08:00Z')))[0]?.fault).toContain('for 7 min');
  });
});

describe('stream lost', () => {
  const T = at('14:30');
  const check = (link: { isUp: boolean; since: number } | undefined) =>
    streamLostCheck({ feed: 'alpaca', link: () => link, afterMs: 10_000, everyMs: 1000 });

  it('a stream down 12 s is lost past a 10 s limit; down 10 s it is not yet', async () => {
    expect(await run(check({ isUp: false, since: T }), T + 10_000)).toEqual([{ check: 'stream_lost' }]);
    expect(await run(check({ isUp: false, since: T }), T + 12_000)).toEqual([
      {
        check: 'stream_lost',
        fault: 'the alpaca market-data stream has been down for 12 s (limit 10 s); it keeps reconnecting',
      },
    ]);
  });

  it('a stream up for long, or a feed without a link (a replay), is healthy', async () => {
    expect(await run(check({ isUp: true, since: T }), T + 3_600_000)).toEqual([{ check: 'stream_lost' }]);
    expect(await run(check(undefined), T + 3_600_000)).toEqual([{ check: 'stream_lost' }]);
  });
});

describe('broker unreachable and clock skew (one read of the venue clock)', () => {
  /** A wall clock reading 1000 before the read and 1100 after it: a 100 ms round trip. */
  const probe = (venue: () => Promise<number>, failures = 3) => {
    let n = 0;
    return venueProbe({
      venue: 'alpaca',
      clock: venue,
      failures,
      maxSkewMs: 2000,
      everyMs: 1000,
      wallNow: () => (n++ % 2 === 0 ? 1000 : 1100),
    });
  };

  it('a venue clock 2.5 s ahead of the midpoint is skewed past 2 s (less half the 100 ms round trip)', async () => {
    expect(await run(probe(async () => 1050 + 2500))).toEqual([
      { check: 'broker_unreachable' },
      {
        check: 'clock_skew',
        fault: "the alpaca clock is 2.5 s ahead of ours (limit 2.0 s, read in 100 ms): sync this machine's clock (NTP)",
      },
    ]);
  });

  it('2.04 s ahead is within the limit once the 50 ms half round trip is allowed', async () => {
    expect((await run(probe(async () => 1050 + 2040)))[1]).toEqual({ check: 'clock_skew' });
  });

  it('a venue clock an hour behind is named behind', async () => {
    expect((await run(probe(async () => 1050 - 3_600_000)))[1]?.fault).toContain('the alpaca clock is 1 h behind ours');
  });

  it('the third failed read in a row is a fault, not the first two; a good read starts the count again', async () => {
    let fail = true;
    const p = probe(async () => {
      if (fail) throw new VenueError('VENUE_UNAVAILABLE', 'alpaca is unreachable (ECONNREFUSED)');
      return 1050;
    });
    expect(await run(p)).toEqual([{ check: 'broker_unreachable' }]);
    expect(await run(p)).toEqual([{ check: 'broker_unreachable' }]);
    expect(await run(p)).toEqual([
      {
        check: 'broker_unreachable',
        fault:
          'alpaca did not answer 3 reads of its clock in a row (limit 3; last: alpaca is unreachable (ECONNREFUSED))',
      },
    ]);
    fail = false;
    expect(await run(p)).toEqual([{ check: 'broker_unreachable' }, { check: 'clock_skew' }]);
    fail = true;
    expect(await run(p)).toEqual([{ check: 'broker_unreachable' }]);
  });
});

describe('ledger unreachable (a trivial query)', () => {
  it('two failed queries in a row are a fault; a good one starts the count again', async () => {
    let fail = true;
    const p = ledgerProbe({
      location: '/w/state/momentic.db',
      failures: 2,
      everyMs: 1000,
      query: async () => {
        if (fail) throw new Error('the database connection is not open');
      },
    });
    expect(await run(p)).toEqual([{ check: 'ledger_unreachable' }]);
    expect(await run(p)).toEqual([
      {
        check: 'ledger_unreachable',
        fault:
          'the ledger at /w/state/momentic.db failed 2 queries in a row (limit 2; last: the database connection is not open)',
      },
    ]);
    fail = false;
    expect(await run(p)).toEqual([{ check: 'ledger_unreachable' }]);
  });
});

describe('disk space', () => {
  const MIB = 1024 * 1024;
  const disk = (freeMib: number) =>
    diskSpaceCheck({
      path: '/w',
      minFreeMb: 1024,
      everyMs: 1000,
      // 4 KiB blocks, as ext4's.
      statfs: async () => ({ bavail: (freeMib * MIB) / 4096, bsize: 4096 }),
    });

  it('100 MiB free is below a 1024 MiB limit; 1024 MiB is not', async () => {
    expect(await run(disk(100))).toEqual([
      {
        check: 'disk_space',
        fault:
          "100 MiB free on the filesystem of /w (limit 1024 MiB): free some space before the session's writes fail",
      },
    ]);
    expect(await run(disk(1024))).toEqual([{ check: 'disk_space' }]);
  });

  it("reads this machine's filesystem: a limit above any disk's size is a fault, a tiny one is not", async () => {
    const real = (minFreeMb: number) => diskSpaceCheck({ path: process.cwd(), minFreeMb, everyMs: 1000 });
    expect((await run(real(1e12)))[0]?.fault).toMatch(
      /^\d+ MiB free on the filesystem of .+ \(limit 1000000000000 MiB\)/,
    );
    expect(await run(real(0.001))).toEqual([{ check: 'disk_space' }]);
  });

  it('a workspace that cannot be read is a fault naming it', async () => {
    const gone = diskSpaceCheck({ path: '/no/such/folder', minFreeMb: 1, everyMs: 1000 });
    expect((await run(gone))[0]?.fault).toMatch(/^cannot read the free space of \/no\/such\/folder: ENOENT/);
  });
});

/**
 * The scheduler on simulated time against a real ledger (SQLite, PostgreSQL): which job runs at
 * which instant over days with a holiday, an early close and a DST change; catch-up after
 * downtime; one scheduler of two running jobs, the other taking over when the first one's lock
 * expires. Instants are derived by hand from NYSE hours (09:30-16:00 New York, 13:00 on
 * 2024-07-03; closed 2024-07-04) and US DST (EDT, UTC-4, from 2024-03-10; EST, UTC-5, before).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler, type SchedulerSummary } from '../../../src/orchestration/scheduler/scheduler.js';
import type { Schedule } from '../../../src/orchestration/scheduler/schedule.js';
import { createLedger, type LedgerStore } from '../../../src/store/ledger.js';
import type { JobRun } from '../../../src/store/scheduler-types.js';
import type { Backend } from '../../store/backends.js';
import { FakeTime, type FakeClock } from '../../support/fake-clock.js';
import { FakeExecutor, iso, scheduleOf } from './helpers.js';

const T = (s: string): number => Date.parse(s);
const H = 3_600_000;

interface Running {
  readonly scheduler: Scheduler;
  readonly clock: FakeClock;
  readonly executor: FakeExecutor;
  readonly ledger: LedgerStore;
  readonly done: Promise<SchedulerSummary>;
}

export function schedulerContract(backend: Backend): void {
  describe(`scheduler on ${backend.name}`, () => {
    const opened: LedgerStore[] = [];
    let db: Awaited<ReturnType<Backend['fresh']>>;
    beforeAll(async () => {
      db = await backend.fresh();
    });
    afterAll(async () => {
      for (const l of opened) await l.close();
      await backend.cleanup();
    });

    /** A scheduler process on `time`, with its own ledger connection. */
    async function start(
      schedule: Schedule,
      time: FakeTime,
      o: { lasts?: Record<string, number>; owner?: string } = {},
    ): Promise<Running> {
      const ledger = await createLedger(db.config, db.home);
      opened.push(ledger);
      const clock = time.clock();
      const executor = new FakeExecutor(clock, {
        timer: time.timer(),
        ...(o.lasts === undefined ? {} : { lasts: o.lasts }),
      });
      const scheduler = new Scheduler({
        schedule,
        ledger,
        clock,
        executor,
        ...(o.owner === undefined ? {} : { owner: o.owner }),
      });
      return { scheduler, clock, executor, ledger, done: clock.track(scheduler.run()) };
    }

    async function stop(r: Running): Promise<void> {
      r.scheduler.stop();
      await r.done;
    }

    const runsOf = (ledger: LedgerStore, schedule: string): Promise<JobRun[]> => ledger.jobRuns({ schedule });

    describe('five simulated days', () => {
      const yaml = (name: string) => `
name: ${name}
lock: { ttl: 4h, heartbeat: 2h }
jobs:
  fetch: { when: { pre_open: -60m }, action: [data, fetch] }
  start: { when: open, action: [paper, --config, run.yaml, --until, '{close}'] }
  flatten: { when: { close: -15m }, action: [risk, show] }
  report: { when: { post_close: +30m }, action: [runs, ls] }
`;
      const day = (d: string, open: string, flatten: string, close: string, report: string, fetch: string) =>
        [
          `fetch ${d} ${d}T${fetch}`,
          `start ${d} ${d}T${open}`,
          `flatten ${d} ${d}T${flatten}`,
          `report ${d} ${d}T${report}`,
        ].concat([`--until ${d}T${close}`]);

      async function drive(name: string, from: string, to: string) {
        const schedule = scheduleOf(yaml(name), name);
        const time = new FakeTime(T(from));
        // The session job lasts until its close (6.5h; on the early close it simply outlasts it).
        const r = await start(schedule, time, { lasts: { start: 6.5 * H } });
        await time.advanceTo(T(to));
        await stop(r);
        return { r, runs: await runsOf(r.ledger, name) };
      }

      it(
        'around the July 4th closure and the early close of July 3rd: every job once, at its instant',
        { timeout: 60_000 },
        async () => {
          const { r, runs } = await drive('july', '2024-07-01T00:00:00Z', '2024-07-06T00:00:00Z');
          const expected = [
            day('2024-07-01', '13:30:00Z', '19:45:00Z', '20:00:00Z', '20:30:00Z', '12:30:00Z'),
            day('2024-07-02', '13:30:00Z', '19:45:00Z', '20:00:00Z', '20:30:00Z', '12:30:00Z'),
            day('2024-07-03', '13:30:00Z', '16:45:00Z', '17:00:00Z', '17:30:00Z', '12:30:00Z'),
            day('2024-07-05', '13:30:00Z', '19:45:00Z', '20:00:00Z', '20:30:00Z', '12:30:00Z'),
          ];
          // Fired at the planned instant exactly, each once.
          expect(r.executor.launches.map((l) => `${l.job} ${l.date} ${l.at}`)).toEqual(
            expected.flatMap((d) => d.slice(0, 4)),
          );
          expect(r.executor.launches.every((l) => l.now === l.at)).toBe(true);
          // The session is told its own close, 13:00 New York on the early close.
          expect(r.executor.launches.filter((l) => l.job === 'start').map((l) => l.argv.slice(-2).join(' '))).toEqual(
            expected.map((d) => d[4]),
          );
          expect(runs.map((x) => `${x.job} ${x.date} ${iso(x.plannedAt)} ${x.status}`)).toEqual(
            expected.flatMap((d) => d.slice(0, 4)).map((l) => `${l} succeeded`),
          );
          expect(runs.every((x) => x.startedAt === x.plannedAt && x.owner === r.scheduler.owner)).toBe(true);
          // The session ended 6.5 h after it started.
          expect(runs.filter((x) => x.job === 'start').map((x) => x.endedAt! - x.startedAt!)).toEqual([
            6.5 * H,
            6.5 * H,
            6.5 * H,
            6.5 * H,
          ]);
        },
      );

      it(
        'across the switch to daylight saving time: an hour earlier in UTC from Monday',
        { timeout: 60_000 },
        async () => {
          const { r } = await drive('dst', '2024-03-07T12:00:00Z', '2024-03-12T13:00:00Z');
          expect(r.executor.launches.map((l) => `${l.job} ${l.date} ${l.at}`)).toEqual([
            ...day('2024-03-07', '14:30:00Z', '20:45:00Z', '21:00:00Z', '21:30:00Z', '13:30:00Z').slice(0, 4),
            ...day('2024-03-08', '14:30:00Z', '20:45:00Z', '21:00:00Z', '21:30:00Z', '13:30:00Z').slice(0, 4),
            ...day('2024-03-11', '13:30:00Z', '19:45:00Z', '20:00:00Z', '20:30:00Z', '12:30:00Z').slice(0, 4),
            'fetch 2024-03-12 2024-03-12T12:30:00Z',
          ]);
          expect(r.executor.launches.every((l) => l.now === l.at)).toBe(true);
        },
      );
    });

    describe('catch-up after downtime', () => {
      it(
        'skip runs none of the missed runs, latest the most recent, all each in turn; none starts after its deadline',
        { timeout: 60_000 },
        async () => {
          const schedule = scheduleOf(
            `
name: catchup
lock: { ttl: 2h, heartbeat: 1h }
jobs:
  skipper: { when: { close: -15m }, catch_up: skip, action: [risk, show] }
  latest: { when: { close: -15m }, catch_up: latest, action: [risk, show] }
  every: { when: { close: -15m }, catch_up: all, action: [risk, show] }
  session: { when: open, deadline: { close: -5m }, action: [paper, --config, r.yaml, --until, '{close}'] }
`,
            'catchup',
          );
          const time = new FakeTime(T('2024-07-01T12:00:00Z'));
          const first = await start(schedule, time);
          await time.advanceTo(T('2024-07-01T21:00:00Z'));
          await stop(first);
          // Down from Monday evening to Friday 15:00 (11:00 New York): Tuesday's and Wednesday's runs were missed.
          const later = new FakeTime(T('2024-07-05T15:00:00Z'));
          const second = await start(schedule, later);
          await later.advanceTo(T('2024-07-05T21:00:00Z'));
          await stop(second);
          expect(second.executor.launches.map((l) => `${l.job} ${l.date} ${l.at} at ${l.now}`)).toEqual([
            'latest 2024-07-03 2024-07-03T16:45:00Z at 2024-07-05T15:00:00Z',
            'every 2024-07-02 2024-07-02T19:45:00Z at 2024-07-05T15:00:00Z',
            // Late, but before its deadline (19:55Z): the session starts, until today's close.
            'session 2024-07-05 2024-07-05T13:30:00Z at 2024-07-05T15:00:00Z',
            'every 2024-07-03 2024-07-03T16:45:00Z at 2024-07-05T15:00:00Z',
            'skipper 2024-07-05 2024-07-05T19:45:00Z at 2024-07-05T19:45:00Z',
            'latest 2024-07-05 2024-07-05T19:45:00Z at 2024-07-05T19:45:00Z',
            'every 2024-07-05 2024-07-05T19:45:00Z at 2024-07-05T19:45:00Z',
          ]);
          expect(second.executor.launches.find((l) => l.job === 'session')?.argv.at(-1)).toBe('2024-07-05T20:00:00Z');
          const rows = await runsOf(second.ledger, 'catchup');
          const of = (job: string) =>
            rows
              .filter((x) => x.job === job)
              .map((x) => `${x.date} ${x.status}${x.detail === undefined ? '' : `: ${x.detail}`}`);
          expect(of('skipper')).toEqual([
            '2024-07-01 succeeded',
            '2024-07-02 skipped: missed by 2d19h15m (catch_up: skip)',
            '2024-07-03 skipped: missed by 1d22h15m (catch_up: skip)',
            '2024-07-05 succeeded',
          ]);
          expect(of('latest')).toEqual([
            '2024-07-01 succeeded',
            '2024-07-02 skipped: superseded by the run of 2024-07-03T16:45:00Z (catch_up: latest)',
            '2024-07-03 succeeded',
            '2024-07-05 succeeded',
          ]);
          expect(of('every')).toEqual([
            '2024-07-01 succeeded',
            '2024-07-02 succeeded',
            '2024-07-03 succeeded',
            '2024-07-05 succeeded',
          ]);
          expect(of('session')).toEqual([
            '2024-07-01 succeeded',
            '2024-07-02 skipped: not started by its deadline 2024-07-02T19:55:00Z',
            '2024-07-03 skipped: not started by its deadline 2024-07-03T16:55:00Z',
            '2024-07-05 succeeded',
          ]);
        },
      );

      it('missed runs are looked for only as far back as catch_up_window', { timeout: 60_000 }, async () => {
        const schedule = scheduleOf(
          `
name: window
catch_up: all
catch_up_window: 2d
lock: { ttl: 2h, heartbeat: 1h }
jobs:
  flatten: { when: { close: -15m }, action: [risk, show] }
`,
          'window',
        );
        const time = new FakeTime(T('2024-07-01T12:00:00Z'));
        const first = await start(schedule, time);
        await time.advanceTo(T('2024-07-01T21:00:00Z'));
        await stop(first);
        // Back on Friday 15:00Z: Tuesday 19:45Z is more than two days ago, Wednesday 16:45Z is not.
        const later = new FakeTime(T('2024-07-05T15:00:00Z'));
        const second = await start(schedule, later);
        await later.advanceTo(T('2024-07-05T16:00:00Z'));
        await stop(second);
        expect(second.executor.launches.map((l) => `${l.at} at ${l.now}`)).toEqual([
          '2024-07-03T16:45:00Z at 2024-07-05T15:00:00Z',
        ]);
        expect((await runsOf(second.ledger, 'window')).map((x) => `${x.date} ${x.status}`)).toEqual([
          '2024-07-01 succeeded',
          '2024-07-03 succeeded',
        ]);
      });

      it(
        'a job never runs twice at once: runs due while it runs are caught up by its policy',
        { timeout: 60_000 },
        async () => {
          const schedule = scheduleOf(
            `
name: overlap
lock: { ttl: 2h, heartbeat: 1h }
jobs:
  poll_skip: { when: { every: 1h }, catch_up: skip, action: [risk, show] }
  poll_latest: { when: { every: 1h }, catch_up: latest, action: [risk, show] }
`,
            'overlap',
          );
          const time = new FakeTime(T('2024-07-01T12:00:00Z'));
          // Each run takes 90 minutes: the next hour's run comes due while it goes on.
          const r = await start(schedule, time, { lasts: { poll_skip: 1.5 * H, poll_latest: 1.5 * H } });
          await time.advanceTo(T('2024-07-01T22:00:00Z'));
          await stop(r);
          const of = (job: string) =>
            r.executor.launches
              .filter((l) => l.job === job)
              .map((l) => `${l.at.slice(11, 16)} at ${l.now.slice(11, 16)}`);
          expect(of('poll_skip')).toEqual(['13:30 at 13:30', '15:30 at 15:30', '17:30 at 17:30', '19:30 at 19:30']);
          expect(of('poll_latest')).toEqual([
            '13:30 at 13:30',
            '14:30 at 15:00',
            '16:30 at 16:30',
            '17:30 at 18:00',
            '19:30 at 19:30',
          ]);
          const rows = await runsOf(r.ledger, 'overlap');
          expect(
            rows
              .filter((x) => x.status === 'skipped')
              .map((x) => `${x.job} ${iso(x.plannedAt).slice(11, 16)}: ${x.detail}`),
          ).toEqual([
            'poll_skip 14:30: missed by 30m (catch_up: skip)',
            'poll_latest 15:30: superseded by the run of 2024-07-01T16:30:00Z (catch_up: latest)',
            'poll_skip 16:30: missed by 30m (catch_up: skip)',
            'poll_skip 18:30: missed by 30m (catch_up: skip)',
            'poll_latest 18:30: superseded by the run of 2024-07-01T19:30:00Z (catch_up: latest)',
          ]);
        },
      );
    });

    describe('the lock and the runs in the ledger', () => {
      it('ten schedulers asking at once: one takes the lock; the others see it held until it expires', async () => {
        const ledgers = await Promise.all(Array.from({ length: 10 }, () => createLedger(db.config, db.home)));
        opened.push(...ledgers);
        const now = T('2024-07-01T12:00:00Z');
        const ask = (i: number, at: number) =>
          ledgers[i]!.acquireSchedulerLock({ name: 'race', owner: `s${i}`, now: at, ttlMs: 60_000 });
        const first = await Promise.all(ledgers.map((_, i) => ask(i, now)));
        const winners = first.filter((r) => r.isHeld).map((r) => r.lock?.owner);
        expect(winners).toHaveLength(1);
        const owner = winners[0]!;
        expect(first.every((r) => r.lock?.owner === owner && r.lock.expiresAt === now + 60_000)).toBe(true);
        const w = Number(owner.slice(1));
        const other = (w + 1) % 10;
        // Renewed by its holder: the expiry moves, the acquisition time stays.
        const renewed = await ask(w, now + 15_000);
        expect([renewed.isHeld, renewed.lock?.acquiredAt, renewed.lock?.expiresAt]).toEqual([true, now, now + 75_000]);
        // Another cannot take it before it expires, and can at the expiry.
        expect((await ask(other, now + 74_999)).isHeld).toBe(false);
        const taken = await ask(other, now + 75_000);
        expect([taken.isHeld, taken.lock?.owner, taken.lock?.acquiredAt]).toEqual([true, `s${other}`, now + 75_000]);
        // The old holder has lost it; releasing is only the holder's.
        expect((await ask(w, now + 75_001)).isHeld).toBe(false);
        await ledgers[w]!.releaseSchedulerLock('race', `s${w}`);
        expect((await ledgers[w]!.schedulerLock('race'))?.owner).toBe(`s${other}`);
        await ledgers[other]!.releaseSchedulerLock('race', `s${other}`);
        expect(await ledgers[w]!.schedulerLock('race')).toBeUndefined();
      });

      it('a planned run is claimed once, whichever scheduler asks first', async () => {
        const ledgers = await Promise.all(Array.from({ length: 4 }, () => createLedger(db.config, db.home)));
        opened.push(...ledgers);
        const plannedAt = T('2024-07-01T13:30:00Z');
        const claims = await Promise.all(
          ledgers.map((l, i) =>
            l.claimJobRun({
              schedule: 'claims',
              job: 'start',
              date: '2024-07-01',
              plannedAt,
              owner: `s${i}`,
              status: 'running',
              startedAt: plannedAt,
            }),
          ),
        );
        const won = claims.filter((c) => c !== undefined);
        expect(won).toHaveLength(1);
        await ledgers[0]!.endJobRun(won[0]!.id, {
          status: 'failed',
          endedAt: plannedAt + 5,
          exitCode: 3,
          detail: 'exit code 3',
        });
        expect(await ledgers[1]!.jobRuns({ schedule: 'claims' })).toEqual([
          {
            id: won[0]!.id,
            schedule: 'claims',
            job: 'start',
            date: '2024-07-01',
            plannedAt,
            status: 'failed',
            owner: won[0]!.owner,
            startedAt: plannedAt,
            endedAt: plannedAt + 5,
            exitCode: 3,
            detail: 'exit code 3',
          },
        ]);
        expect(await ledgers[2]!.lastPlannedRuns('claims')).toEqual(new Map([['start', plannedAt]]));
      });
    });

    describe('two schedulers', () => {
      const yaml = `
name: pair
lock: { ttl: 10m, heartbeat: 5m }
jobs:
  fetch: { when: { pre_open: -60m }, action: [data, fetch] }
  start: { when: open, action: [paper, --config, run.yaml, --until, '{close}'] }
  flatten: { when: { close: -15m }, action: [risk, show] }
`;

      it(
        'started together, exactly one runs jobs; frozen, the other takes over when its lock expires; thawed, it stands by',
        { timeout: 120_000 },
        async () => {
          const schedule = scheduleOf(yaml, 'pair');
          const time = new FakeTime(T('2024-07-01T12:00:00Z'));
          const lasts = { start: 6.5 * H };
          const [a, b] = await Promise.all([start(schedule, time, { lasts }), start(schedule, time, { lasts })]);
          await time.advanceTo(T('2024-07-01T14:01:00Z'));
          const [leader, standby] = a.executor.launches.length > 0 ? [a, b] : [b, a];
          expect(leader.executor.launches.map((l) => `${l.job} ${l.at} at ${l.now}`)).toEqual([
            'fetch 2024-07-01T12:30:00Z at 2024-07-01T12:30:00Z',
            'start 2024-07-01T13:30:00Z at 2024-07-01T13:30:00Z',
          ]);
          expect(standby.executor.launches).toEqual([]);
          expect([leader.scheduler.isLeader, standby.scheduler.isLeader]).toEqual([true, false]);

          // The leader stops in the middle of the session (SIGSTOP, a stalled VM): its last heartbeat
          // was 14:00 (every 5 minutes from 12:00), so its lock expires at 14:10.
          leader.clock.freeze();
          const held = await leader.ledger.schedulerLock('pair');
          expect([held?.owner, iso(held!.heartbeatAt), iso(held!.expiresAt)]).toEqual([
            leader.scheduler.owner,
            '2024-07-01T14:00:00Z',
            '2024-07-01T14:10:00Z',
          ]);
          await time.advanceTo(T('2024-07-01T14:09:59Z'));
          expect(standby.scheduler.isLeader).toBe(false);
          await time.advanceTo(T('2024-07-01T14:10:00Z'));
          expect(standby.scheduler.isLeader).toBe(true);
          const taken = await standby.ledger.schedulerLock('pair');
          expect([taken?.owner, iso(taken!.acquiredAt)]).toEqual([standby.scheduler.owner, '2024-07-01T14:10:00Z']);
          // The session the frozen leader started is not started again; its row is abandoned.
          let rows = await runsOf(standby.ledger, 'pair');
          expect(rows.map((x) => `${x.job} ${x.status}`)).toEqual(['fetch succeeded', 'start abandoned']);
          expect(rows[1]?.detail).toBe(`its scheduler (${leader.scheduler.owner}) lost the lock before the run ended`);

          await time.advanceTo(T('2024-07-01T20:30:00Z'));
          expect(standby.executor.launches.map((l) => `${l.job} ${l.at} at ${l.now}`)).toEqual([
            'flatten 2024-07-01T19:45:00Z at 2024-07-01T19:45:00Z',
          ]);

          // Thawed, the old leader finds the lock taken and runs nothing more; its session's end
          // (20:00) does not undo the abandonment.
          leader.clock.thaw();
          await time.advanceTo(T('2024-07-02T14:00:00Z'));
          expect(leader.scheduler.isLeader).toBe(false);
          expect(leader.executor.launches).toHaveLength(2);
          expect(standby.executor.launches.map((l) => `${l.job} ${l.at} at ${l.now}`)).toEqual([
            'flatten 2024-07-01T19:45:00Z at 2024-07-01T19:45:00Z',
            'fetch 2024-07-02T12:30:00Z at 2024-07-02T12:30:00Z',
            'start 2024-07-02T13:30:00Z at 2024-07-02T13:30:00Z',
          ]);
          rows = await runsOf(standby.ledger, 'pair');
          expect(
            rows.map(
              (x) => `${x.job} ${iso(x.plannedAt)} ${x.status} ${x.owner === leader.scheduler.owner ? 'old' : 'new'}`,
            ),
          ).toEqual([
            'fetch 2024-07-01T12:30:00Z succeeded old',
            'start 2024-07-01T13:30:00Z abandoned old',
            'flatten 2024-07-01T19:45:00Z succeeded new',
            'fetch 2024-07-02T12:30:00Z succeeded new',
            'start 2024-07-02T13:30:00Z running new',
          ]);

          // A clean stop releases the lock: the other takes over at its next heartbeat, not at the expiry.
          await stop(standby);
          expect(await leader.ledger.schedulerLock('pair')).toBeUndefined();
          rows = await runsOf(leader.ledger, 'pair');
          expect(rows.at(-1)).toMatchObject({
            job: 'start',
            status: 'succeeded',
            detail: 'stopped with the scheduler',
          });
          await time.advanceTo(T('2024-07-02T14:05:00Z'));
          expect(leader.scheduler.isLeader).toBe(true);
          const back = await leader.ledger.schedulerLock('pair');
          expect([back?.owner, iso(back!.acquiredAt)]).toEqual([leader.scheduler.owner, '2024-07-02T14:05:00Z']);
          await stop(leader);
          expect(await leader.ledger.schedulerLock('pair')).toBeUndefined();
        },
      );
    });
  });
}

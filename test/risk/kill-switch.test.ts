import { describe, expect, it } from 'vitest';
import { KillSwitch } from '../../src/risk/kill-switch.js';

describe('kill switch', () => {
  it('escalates ACTIVE -> REDUCING -> HALTED, never back down on its own, and resets by hand', () => {
    const k = new KillSwitch({ maxVenueErrors: 3, staleDataMs: 120_000 });
    const halts: string[] = [];
    k.onHalt = (why) => halts.push(why);
    k.dataAge(119_000, 1);
    expect(k.state).toBe('ACTIVE');
    k.dataAge(121_000, 2);
    expect(k.state).toBe('REDUCING');
    k.trip('REDUCING', 'again', 3); // no change
    k.drawdown(0.019, 0.02, 4);
    expect(k.state).toBe('REDUCING');
    k.drawdown(0.02, 0.02, 5);
    expect(k.state).toBe('HALTED');
    expect(halts).toEqual(['daily drawdown 2.00% breached the 2.00% limit']);
    k.dataAge(1e9, 6); // HALTED stays
    expect(k.state).toBe('HALTED');
    k.reset('by hand', 7);
    expect(k.state).toBe('ACTIVE');
    expect(k.history.map((t) => `${t.from}->${t.to}@${t.ts}`)).toEqual([
      'ACTIVE->REDUCING@2',
      'REDUCING->HALTED@5',
      'HALTED->ACTIVE@7',
    ]);
  });

  it('halts after N consecutive venue errors; a success in between starts the count again', () => {
    const k = new KillSwitch({ maxVenueErrors: 3, staleDataMs: 120_000 });
    k.venueError('timeout', 1);
    k.venueError('timeout', 2);
    k.venueOk();
    k.venueError('timeout', 3);
    k.venueError('timeout', 4);
    expect(k.state).toBe('ACTIVE');
    k.venueError('503', 5);
    expect(k.state).toBe('HALTED');
    expect(k.history[0]?.reason).toBe('3 consecutive venue errors (last: 503)');
  });

  it('halts by hand', () => {
    const k = new KillSwitch({ maxVenueErrors: 3, staleDataMs: 120_000 });
    k.trip('HALTED', 'manual: operator', 9);
    expect(k.state).toBe('HALTED');
  });
});

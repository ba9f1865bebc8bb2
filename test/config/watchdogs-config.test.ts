/** The `watchdogs:` and `supervisor:` sections: their values reach the config, and bad ones are refused naming the key. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { tempDir } from '../support/cli.js';

const load = (env: Record<string, string>) => loadConfig({ cwd: tempDir(), env });
const errorOf = (env: Record<string, string>) => {
  try {
    load(env);
    return undefined;
  } catch (e) {
    return e as { code: string; message: string; hint: string };
  }
};

describe('watchdogs and supervisor config', () => {
  it('takes an action per check and the supervisor budget from the environment', () => {
    const c = load({
      MOMENTIC_WATCHDOGS__CLOCK_SKEW__ACTION: 'halt',
      MOMENTIC_WATCHDOGS__DISK_SPACE__MIN_FREE_MB: '250',
      MOMENTIC_SUPERVISOR__MAX_RESTARTS: '5',
      MOMENTIC_SUPERVISOR__HANG_AFTER: 'off',
    }).config;
    expect(c.watchdogs.clock_skew).toEqual({ action: 'halt', max: '2s' });
    expect(c.watchdogs.disk_space.min_free_mb).toBe(250);
    expect(c.supervisor).toMatchObject({ max_restarts: 5, hang_after: 'off', window: '1h' });
  });

  it('refuses an action that is not one, naming the actions', () => {
    const e = errorOf({ MOMENTIC_WATCHDOGS__STALE_DATA__ACTION: 'stop' });
    expect(e?.code).toBe('CONFIG_INVALID_VALUE');
    expect(e?.hint).toBe('use one of: off, log, alert, reduce, halt');
  });

  it('refuses a duration that is not one, and a hang_after that is neither a duration nor off', () => {
    expect(errorOf({ MOMENTIC_WATCHDOGS__EVERY: 'often' })?.message).toContain('must be a duration');
    expect(errorOf({ MOMENTIC_SUPERVISOR__HANG_AFTER: 'never' })?.message).toContain(
      'must be a duration, e.g. 90s, 5m, 2h, 1h30m or 500ms, or off',
    );
  });
});

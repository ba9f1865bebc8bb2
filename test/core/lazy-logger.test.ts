import { describe, expect, it } from 'vitest';
import { lazyLogger } from '../../src/core/lazy-logger.js';
import { createLoggerSync } from '../../src/core/logger.js';

function setup(level: 'info' | 'debug' | 'silent') {
  const lines: Record<string, unknown>[] = [];
  let made = 0;
  const log = lazyLogger(level, () => {
    made++;
    return createLoggerSync({ level, write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  });
  return { log, lines, made: () => made };
}

describe('lazyLogger', () => {
  it('does not build the real logger for children and messages below its level', () => {
    const { log, lines, made } = setup('info');
    const child = log.child({ component: 'backtest' });
    child.debug('not shown');
    child.trace({ x: 1 }, 'not shown either');
    expect(child.isLevelEnabled('debug')).toBe(false);
    expect(child.isLevelEnabled('warn')).toBe(true);
    expect(log.level).toBe('info');
    expect(made()).toBe(0);
    expect(lines).toEqual([]);
  });

  it('is not a thenable: handing it through a promise (an async getter returns it) does not build it', async () => {
    const { log, made } = setup('info');
    const viaAsync = async () => log;
    const got = await viaAsync();
    expect(await Promise.resolve(got.child({ component: 'x' }))).toBeDefined();
    expect(made()).toBe(0);
  });

  it('builds it at the first enabled message, with the bindings of every child on the way', () => {
    const { log, lines, made } = setup('info');
    const child = log.child({ component: 'backtest' }).child({ symbol: 'ORCL' });
    child.warn({ ts: 5 }, 'kill switch');
    log.info('root line');
    expect(made()).toBe(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 40, component: 'backtest', symbol: 'ORCL', ts: 5, msg: 'kill switch' });
    expect(lines[1]).toMatchObject({ level: 30, msg: 'root line' });
    expect(lines[1]).not.toHaveProperty('component');
  });

  it('masks secret keys as the real logger does', () => {
    const { log, lines } = setup('debug');
    log.child({ component: 'venue' }).debug({ apiSecret: 'hunter2' }, 'request');
    expect(JSON.stringify(lines)).not.toContain('hunter2');
    expect(lines[0]).toMatchObject({ apiSecret: '[REDACTED]', component: 'venue' });
  });

  it('writes nothing at all when silent', () => {
    const { log, lines, made } = setup('silent');
    log.fatal('nothing');
    log.child({ a: 1 }).error('nothing');
    expect(lines).toEqual([]);
    expect(made()).toBe(0);
  });
});

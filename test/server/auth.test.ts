/** Token text, roles and WebSocket channel access: the pieces the routes' checks are built from. */
import { describe, expect, it } from 'vitest';
import { allows } from '../../src/server/auth/roles.js';
import { hashSecret, issueToken, parseToken, secretMatches } from '../../src/server/auth/token-secret.js';
import { ChannelRegistry } from '../../src/server/channels.js';

describe('API tokens', () => {
  it('are mtk_, a 12-hex-digit id, a dot and 43 characters of secret; only the secret is hashed', () => {
    const t = issueToken();
    expect(t.token).toMatch(/^mtk_[0-9a-f]{12}\.[A-Za-z0-9_-]{43}$/);
    const parsed = parseToken(t.token)!;
    expect(parsed.id).toBe(t.id);
    expect(t.secretHash).toBe(hashSecret(parsed.secret));
    expect(t.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(t.token).not.toContain(t.secretHash);
    // Two tokens never share an id or a secret.
    const u = issueToken();
    expect(u.id).not.toBe(t.id);
    expect(u.secretHash).not.toBe(t.secretHash);
  });

  it('verify against the stored hash only with the exact secret', () => {
    const t = issueToken();
    const { secret } = parseToken(t.token)!;
    expect(secretMatches(secret, t.secretHash)).toBe(true);
    const flipped = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect(secretMatches(flipped, t.secretHash)).toBe(false);
    expect(secretMatches(secret, 'not hex')).toBe(false);
    expect(secretMatches(secret, t.secretHash.slice(2))).toBe(false);
  });

  it('refuse text that is not shaped as one', () => {
    const t = issueToken().token;
    for (const bad of [
      t.slice(0, -1),
      `${t}x`,
      t.replace('mtk_', 'mtk-'),
      t.toUpperCase(),
      ` ${t}`,
      t.replace('.', '_'),
      '',
    ]) {
      expect(parseToken(bad), bad).toBeUndefined();
    }
  });
});

describe('roles', () => {
  it('nest: admin over operator over viewer over anonymous', () => {
    const table = (['anonymous', 'viewer', 'operator', 'admin'] as const).map((needed) =>
      [undefined, 'viewer', 'operator', 'admin'].map((role) => allows(role as 'viewer' | undefined, needed)),
    );
    expect(table).toEqual([
      [true, true, true, true],
      [false, true, true, true],
      [false, false, true, true],
      [false, false, false, true],
    ]);
  });
});

describe('ChannelRegistry', () => {
  const channels = new ChannelRegistry();
  channels.register({ name: 'equity', access: 'viewer', description: 'equity after each step' });
  channels.register({ name: 'logs', access: 'operator', description: 'the node log' });
  const who = (role: 'viewer' | 'operator' | 'admin') => ({ tokenId: '0123456789ab', name: 'x', role });

  it('lets a client join a channel its role reaches, with the routes’ errors otherwise', () => {
    expect(channels.authorize('equity', who('viewer'))).toBeUndefined();
    expect(channels.authorize('logs', who('admin'))).toBeUndefined();
    expect(channels.authorize('logs', who('viewer'))?.code).toBe('API_FORBIDDEN');
    expect(channels.authorize('logs', who('viewer'))?.context.role).toBe('operator');
    expect(channels.authorize('equity', undefined)?.code).toBe('API_UNAUTHORIZED');
    const unknown = channels.authorize('fils', who('admin'));
    expect(unknown?.code).toBe('API_NOT_FOUND');
    expect(unknown?.hint).toBe('channels: equity, logs');
  });

  it('refuses a channel registered twice', () => {
    expect(() => channels.register({ name: 'logs', access: 'admin', description: '' })).toThrow(/twice/);
  });
});

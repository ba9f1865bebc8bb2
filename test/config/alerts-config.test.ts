/**
 * The `alerts:` config section: the defaults (the log channel only), and every bad key refused
 * at load with the key, the place and the fix; channel secrets refused in files, naming the
 * environment variable that holds them, never repeating the value.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, loadConfig } from '../../src/config/index.js';
import { tempDir } from '../support/cli.js';

function workspace(files: Record<string, string> = {}): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function thrown(f: () => unknown): {
  code?: string;
  message: string;
  hint?: string;
  context?: Record<string, unknown>;
} {
  try {
    f();
  } catch (e) {
    return e as { code?: string; message: string; hint?: string; context?: Record<string, unknown> };
  }
  throw new Error('expected an error');
}

const load = (yaml: string, env: Record<string, string> = {}) =>
  loadConfig({ cwd: workspace({ 'c.yaml': yaml }), env, configFile: 'c.yaml' });

describe('alerts config', () => {
  it('defaults to the log channel only', () => {
    const a = loadConfig({ cwd: workspace(), env: {} }).config.alerts;
    expect(a).toEqual(DEFAULTS.alerts);
    expect([a.log.enabled, a.webhook.enabled, a.email.enabled]).toEqual([true, false, false]);
  });

  it('takes channels from a file and the environment (lists comma-separated)', () => {
    const loaded = loadConfig({
      cwd: workspace({ 'c.yaml': 'alerts:\n  email:\n    enabled: true\n    host: smtp.example.com\n' }),
      configFile: 'c.yaml',
      env: {
        MOMENTIC_ALERTS__EMAIL__FROM: 'momentic@example.com',
        MOMENTIC_ALERTS__EMAIL__TO: 'ops@example.com, oncall@example.com',
        MOMENTIC_ALERTS__WEBHOOK__MIN_SEVERITY: 'critical',
      },
    });
    const a = loaded.config.alerts;
    expect(a.email).toMatchObject({ enabled: true, host: 'smtp.example.com', from: 'momentic@example.com' });
    expect(a.email.to).toEqual(['ops@example.com', 'oncall@example.com']);
    expect(a.webhook.min_severity).toBe('critical');
    expect(loaded.sources.get('alerts.email.to')).toBe('env:MOMENTIC_ALERTS__EMAIL__TO');
  });

  it('refuses an unknown severity naming the key, the line and the choices', () => {
    const e = thrown(() => load('alerts:\n  webhook:\n    min_severity: urgent\n'));
    expect(e).toMatchObject({
      code: 'CONFIG_INVALID_VALUE',
      context: { file: 'c.yaml', row: 3, key: 'alerts.webhook.min_severity' },
    });
    expect(e.hint).toBe('use one of: info, warning, critical');
  });

  it('refuses a misspelled key with the nearest one', () => {
    const e = thrown(() => load('alerts:\n  emial:\n    enabled: true\n'));
    expect(e).toMatchObject({ code: 'CONFIG_UNKNOWN_KEY', context: { row: 2, key: 'alerts.emial' } });
    expect(e.hint).toContain('did you mean "alerts.email"?');
  });

  it.each([
    [
      'alerts:\n  email:\n    enabled: true\n    from: a@example.com\n    to: [b@example.com]\n',
      'alerts.email.host',
      'host: smtp.example.com',
    ],
    [
      'alerts:\n  email:\n    enabled: true\n    host: smtp.example.com\n    to: [b@example.com]\n',
      'alerts.email.from',
      'from: momentic@example.com',
    ],
    [
      'alerts:\n  email:\n    enabled: true\n    host: smtp.example.com\n    from: a@example.com\n',
      'alerts.email.to',
      'to: [ops@example.com]',
    ],
  ])('an enabled email channel without %#: names the missing key and the fix', (yaml, key, example) => {
    const e = thrown(() => load(yaml));
    expect(e).toMatchObject({ code: 'CONFIG_INVALID_VALUE', context: { key } });
    expect(e.message).toContain('must be set when alerts.email.enabled is true');
    expect(e.hint).toBe(`set ${key}, e.g. ${example}; or set alerts.email.enabled: false`);
  });

  it.each([
    [
      'alerts:\n  email:\n    to: [ops-at-example.com]\n',
      'alerts.email.to',
      'must be an address such as ops@example.com',
    ],
    ['alerts:\n  email:\n    from: "momentic"\n', 'alerts.email.from', 'must be an address'],
    ['alerts:\n  email:\n    port: 70000\n', 'alerts.email.port', ''],
    ['alerts:\n  email:\n    tls: ssl\n', 'alerts.email.tls', ''],
    ['alerts:\n  webhook:\n    per_minute: 0\n', 'alerts.webhook.per_minute', ''],
    ['alerts:\n  log:\n    burst: 0\n', 'alerts.log.burst', ''],
  ])('refuses a bad value (%#) naming its key', (yaml, key, message) => {
    const e = thrown(() => load(yaml));
    expect(e).toMatchObject({ code: 'CONFIG_INVALID_VALUE', context: { file: 'c.yaml', key } });
    expect(e.message).toContain(message);
  });

  it('accepts a sender with a display name', () => {
    const a = load('alerts:\n  email:\n    from: "momentic <alerts@example.com>"\n').config.alerts;
    expect(a.email.from).toBe('momentic <alerts@example.com>');
  });

  it.each([
    [
      'alerts:\n  webhook:\n    url: https://hooks.slack.com/services/T0/B0/tok3n-in-file\n',
      'alerts.webhook.url',
      'MOMENTIC_ALERTS_WEBHOOK_URL',
      'tok3n-in-file',
    ],
    [
      'alerts:\n  email:\n    password: hunter2-in-file\n',
      'alerts.email.password',
      'MOMENTIC_ALERTS_SMTP_PASSWORD',
      'hunter2-in-file',
    ],
    ['alerts:\n  email:\n    user: ops-login\n', 'alerts.email.user', 'MOMENTIC_ALERTS_SMTP_USER', 'ops-login'],
  ])('refuses a channel secret in a file (%#), naming the variable, never the value', (yaml, key, env, value) => {
    const e = thrown(() => load(yaml));
    expect(e).toMatchObject({ code: 'CONFIG_SECRET_IN_FILE', context: { file: 'c.yaml', row: 3, key } });
    expect(e.hint).toContain(env);
    expect(JSON.stringify({ ...e, message: e.message })).not.toContain(value);
  });

  it('takes the channel secrets from the environment, and points a key-like name to them', () => {
    expect(() =>
      loadConfig({
        cwd: workspace(),
        env: {
          MOMENTIC_ALERTS_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x',
          MOMENTIC_ALERTS_SMTP_USER: 'u',
          MOMENTIC_ALERTS_SMTP_PASSWORD: 'p',
        },
      }),
    ).not.toThrow();
    const e = thrown(() => loadConfig({ cwd: workspace(), env: { MOMENTIC_ALERTS__WEBHOOK__URL: 'https://x' } }));
    expect(e.code).toBe('CONFIG_UNKNOWN_KEY');
    expect(e.hint).toContain('did you mean MOMENTIC_ALERTS_WEBHOOK_URL?');
  });
});

/**
 * `momentic serve` and `momentic tokens` as a user runs them: the built CLI in its own process
 * (`node bin/momentic.js`; `npm test` builds dist/ first), on loopback unless told otherwise,
 * refusing another host while no token exists, taking tokens made and revoked by other
 * processes at their next request, and stopping cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';
import { REPO } from '../support/paths.js';

const BIN = join(REPO, 'bin', 'momentic.js');
const running: ChildProcess[] = [];

/** Starts `momentic serve` and waits for the line giving its address (or for it to exit). */
async function serve(home: string, ...args: string[]) {
  const child = spawn(process.execPath, [BIN, '--home', home, '--json', '--log-level', 'warn', 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const first = new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  const out = await Promise.race([first, exited.then(() => undefined)]);
  return {
    child,
    exited,
    stderr: () => stderr,
    address: out === undefined ? undefined : (JSON.parse(out) as { url: string; host: string; port: number }),
  };
}

afterEach(() => {
  for (const c of running.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

async function token(home: string, role: string): Promise<{ id: string; token: string }> {
  const r = await cli(['--home', home, '--json', 'tokens', 'create', '--role', role, '--name', `${role} of the test`]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { id: string; token: string };
}

describe('momentic serve', () => {
  it('listens on loopback, answers with a token made by another process, refuses it once revoked, stops on SIGTERM', async () => {
    const home = tempDir('momentic-serve-cli-');
    const s = await serve(home, '--init', '--port', '0');
    expect(s.address, s.stderr()).toBeDefined();
    expect(s.address!.host).toBe('127.0.0.1');
    const base = s.address!.url;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/api/runs`)).status).toBe(401);
    const t = await token(home, 'viewer');
    const auth = { authorization: `Bearer ${t.token}` };
    const ok = await fetch(`${base}/api/runs`, { headers: auth });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ offset: 0, limit: 20, next_offset: null, items: [] });
    expect((await cli(['--home', home, 'tokens', 'revoke', t.id])).code).toBe(0);
    expect((await fetch(`${base}/api/runs`, { headers: auth })).status).toBe(401);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  }, 30_000);

  it('refuses another host while no token exists, exit 2 naming --host; serves it once one does', async () => {
    const home = tempDir('momentic-serve-cli-');
    const refused = await serve(home, '--init', '--host', '0.0.0.0', '--port', '0');
    expect(await refused.exited).toBe(2);
    // --json: its one line on stdout is the error, in the CLI's JSON shape; it never listened.
    expect(refused.address).toMatchObject({
      ok: false,
      error: { code: 'USAGE_INVALID_OPTION', context: { flag: '--host' } },
    });
    expect(refused.stderr()).toBe('');
    const t = await token(home, 'admin');
    expect((await cli(['--home', home, 'tokens', 'revoke', t.id])).code).toBe(0);
    const stillRefused = await serve(home, '--host', '0.0.0.0', '--port', '0');
    expect(await stillRefused.exited).toBe(2);
    await token(home, 'viewer');
    const s = await serve(home, '--host', '0.0.0.0', '--port', '0');
    expect(s.address?.host).toBe('0.0.0.0');
    expect((await fetch(`http://127.0.0.1:${s.address!.port}/healthz`)).status).toBe(200);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  }, 30_000);

  it('says why it does not start, in the JSON error shape', async () => {
    const home = tempDir('momentic-serve-cli-');
    const r = await cli(['--home', home, '--init', '--json', 'serve', '--host', '192.0.2.10', '--port', '0']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      error: { code: 'USAGE_INVALID_OPTION', context: { flag: '--host', value: '192.0.2.10' } },
    });
    const bad = await cli(['--home', home, 'serve', '--port', '70000']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('USAGE_INVALID_OPTION at --port');
  });
});

describe('momentic tokens', () => {
  it('prints a token once, lists tokens without their secrets, and revokes by id', async () => {
    const home = tempDir('momentic-tokens-cli-');
    const made = await cli(['--home', home, '--init', 'tokens', 'create', '--role', 'operator', '--name', 'grafana']);
    expect(made.code, made.stderr).toBe(0);
    const shown = /mtk_([0-9a-f]{12})\.[A-Za-z0-9_-]{43}/.exec(made.stdout);
    expect(shown).not.toBeNull();
    const id = shown![1] as string;
    const ls = await cli(['--home', home, '--json', 'tokens', 'ls']);
    expect(ls.stdout).not.toContain(shown![0]);
    expect(ls.stdout).not.toContain(shown![0].split('.')[1]);
    expect(JSON.parse(ls.stdout)).toEqual([
      { id, name: 'grafana', role: 'operator', created_at: expect.any(String), last_used_at: null, revoked_at: null },
    ]);
    // The full token is accepted in place of its id.
    const revoked = await cli(['--home', home, '--json', 'tokens', 'revoke', shown![0]]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ id, revoked_at: expect.any(String) });
    const table = await cli(['--home', home, 'tokens', 'ls']);
    expect(table.stdout).toMatch(new RegExp(`^${id}\\s+grafana\\s+operator\\s+\\S+\\s+\\S+Z$`, 'm'));
    const unknown = await cli(['--home', home, 'tokens', 'revoke', '0123456789ab']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('LEDGER_NOT_FOUND');
    const badRole = await cli(['--home', home, 'tokens', 'create', '--role', 'root']);
    expect(badRole.code).toBe(2);
    // Who made and revoked it is in the audit log.
    const { createLedger } = await import('../../src/store/ledger.js');
    const { DEFAULTS } = await import('../../src/config/schema.js');
    const ledger = await createLedger(DEFAULTS, home);
    const audit = await ledger.auditLog();
    await ledger.close();
    expect(audit.map((a) => [a.action, a.subject])).toEqual([
      ['token.revoke', id],
      ['token.create', id],
    ]);
    expect(audit[0]?.actor).toMatch(/^cli/);
  });
});

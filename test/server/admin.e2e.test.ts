/**
 * Admin commands through the API against a running paper node, as `test/cli/admin.e2e.test.ts`
 * runs one: the built CLI (`npm run build` first) replaying a minute file of FDAX at 60 times real
 * time, on the workspace's SQLite ledger. Before the node starts, a command gets ADMIN_NO_NODE
 * (409); once it runs, `halt`, `set-limit` and `resume` are acknowledged by the node, take effect
 * (`GET /api/admin/status`), and are in the audit log under the token that asked (`token:ID`).
 * Slow (a node to start): its own file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorSchema } from '../../src/server/schemas/common.js';
import { tempDir } from '../support/cli.js';
import { REPO, SHARED_DATA } from '../support/paths.js';
import { bearer, testServer, type TestServer } from './support.js';

const FILE = join(SHARED_DATA, '2006-01-02-volume-min-001.txt');
const RUN = `strategy: sma-cross
symbols: [FDAX]
timeframe: 1m
live:
  warmup_bars: 5
`;

interface Answer {
  node: string;
  command: { id: number; action: string; args: string[]; actor: string; reason: string | null };
  ack: { status: string; message: string; latency_ms: number } & Record<string, unknown>;
}
interface Status {
  nodes: { node: string; kill_switch: { state: string; reason: string | null }; limits: Record<string, number> }[];
}

describe('admin commands through the API', () => {
  let home: string;
  let s: TestServer;
  let node: ChildProcess | undefined;
  let operatorId: string;

  beforeAll(async () => {
    home = tempDir('momentic-api-admin-');
    s = await testServer({ home });
    operatorId = s.tokens.operator.slice('mtk_'.length, 'mtk_'.length + 12);
  });
  afterAll(async () => {
    if (node !== undefined && node.exitCode === null) node.kill('SIGKILL');
    await s?.close();
  });

  const post = async (action: string, payload: object, token = s.tokens.operator) => {
    const r = await s.app.inject({ method: 'POST', url: `/api/admin/${action}`, headers: bearer(token), payload });
    return { status: r.statusCode, body: JSON.parse(r.body) as Record<string, unknown> };
  };
  const status = async () => {
    const r = await s.app.inject({ url: '/api/admin/status', headers: bearer(s.tokens.operator) });
    return { status: r.statusCode, body: JSON.parse(r.body) as Status & { error?: { code: string } } };
  };

  it('answers ADMIN_NO_NODE (409) in the error shape when no session runs, and checks bodies first', async () => {
    const halt = await post('halt', { reason: 'drill' });
    expect(halt.status).toBe(409);
    expect(errorSchema.safeParse(halt.body).success).toBe(true);
    const error = halt.body.error as { code: string; message: string; hint: string };
    expect(error.code).toBe('ADMIN_NO_NODE');
    expect(error.message).toContain('no trading node is running');
    expect(error.hint).toContain('momentic paper');
    expect((await status()).status).toBe(409);
    // A command that needs nothing takes a POST with no body, as the CLI's bare `momentic admin reduce`.
    const bare = await s.app.inject({ method: 'POST', url: '/api/admin/reduce', headers: bearer(s.tokens.operator) });
    expect(bare.statusCode).toBe(409);
    expect(JSON.parse(bare.body).error.code).toBe('ADMIN_NO_NODE');

    const noReason = await post('halt', {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error).toMatchObject({ code: 'API_INVALID_REQUEST', context: { key: 'reason' } });
    const badKey = await post('set-limit', { key: 'max_colour', value: 1, reason: 'x' });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error).toMatchObject({ context: { key: 'key' } });
    const longWait = await post('halt', { reason: 'x', timeout: '2h' });
    expect(longWait.status).toBe(400);
    const viewer = await post('halt', { reason: 'drill' }, s.tokens.viewer);
    expect(viewer.status).toBe(403);
    // Nothing reached the ledger's audit log.
    expect((await s.ledger.auditLog(100)).filter((a) => a.action.startsWith('admin.'))).toEqual([]);
  });

  it('halts, changes a limit and resumes a running paper node, audited with the token', async () => {
    const dir = tempDir('momentic-api-admin-run-');
    writeFileSync(join(dir, 'run.yaml'), RUN);
    const args = ['--home', home, '--init', '--json', 'paper', '--config', join(dir, 'run.yaml')];
    args.push('--source', `replay:${FILE}`, '--calendar', 'hours:Europe/Berlin:08:00-22:00');
    args.push('--speed', '60', '--for', '150s');
    node = spawn(process.execPath, [join(REPO, 'bin', 'momentic.js'), ...args], {
      env: { ...process.env, MOMENTIC_DATABASE_URL: '', MOMENTIC_REDIS_URL: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    node.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const t0 = Date.now();
    let running = await status();
    while (running.status !== 200) {
      if (Date.now() - t0 > 60_000 || node.exitCode !== null) throw new Error(`no node came up: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
      running = await status();
    }
    const session = running.body.nodes[0]?.node as string;
    expect(running.body.nodes[0]?.kill_switch.state).toBe('ACTIVE');

    const halt = await post('halt', { reason: 'drill', timeout: '10s' });
    expect(halt.status, JSON.stringify(halt.body)).toBe(200);
    const answer = halt.body as unknown as Answer;
    expect(answer).toMatchObject({
      node: session,
      command: { action: 'halt', args: [], actor: `token:${operatorId}`, reason: 'drill' },
      ack: { status: 'done', kill_switch: 'HALTED' },
    });
    expect((await status()).body.nodes[0]?.kill_switch.state).toBe('HALTED');

    // The audit log, as operators read it through the API.
    const audit = await s.app.inject({ url: '/api/audit', headers: bearer(s.tokens.operator) });
    const entries = (JSON.parse(audit.body) as { items: Record<string, unknown>[] }).items;
    const entry = entries.find((e) => e.action === 'admin.halt');
    expect(entry).toMatchObject({
      actor: `token:${operatorId}`,
      subject: session,
      detail: { command_id: answer.command.id, reason: 'drill', ack: { status: 'done' } },
    });

    const limit = await post('set-limit', { key: 'max_position', value: 0.03, reason: 'tighten' });
    expect(limit.status, JSON.stringify(limit.body)).toBe(200);
    expect((limit.body as unknown as Answer).command.args).toEqual(['max_position', '0.03']);
    expect((limit.body as unknown as Answer).ack).toMatchObject({ key: 'max_position', to: 0.03 });
    expect((await status()).body.nodes[0]?.limits.max_position).toBe(0.03);

    const wrong = await post('pause', { strategy: 'not-running' });
    expect(wrong.status).toBe(400);
    expect((wrong.body.error as { message: string }).message).toContain('it runs sma-cross');

    const resume = await post('resume', { reason: 'reviewed' });
    expect(resume.status).toBe(200);
    expect((await status()).body.nodes[0]?.kill_switch.state).toBe('ACTIVE');
    const actors = (await s.ledger.auditLog(100)).filter((a) => a.action.startsWith('admin.')).map((a) => a.actor);
    expect(actors).toEqual([`token:${operatorId}`, `token:${operatorId}`, `token:${operatorId}`]);
  }, 120_000);
});

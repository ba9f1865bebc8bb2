import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl, SecretScrubber, secretScrubber, VenueError } from '../../src/core/index.js';
import { renderErrorJson, renderErrorText } from '../../src/cli/render-error.js';
import { cli, tempDir } from '../support/cli.js';

const ENV_SECRET = 'sk-LEAK-env-7f3a9c21';
const KEY_ID = 'PK-LEAK-id-55aa';
const CONFIG_SECRET = 'pw-LEAK-config-91';
const DB_SECRET = 'pw-LEAK-db-4242';

const env = {
  APCA_API_KEY_ID: KEY_ID,
  APCA_API_SECRET_KEY: ENV_SECRET,
  MOMENTIC_DATABASE_URL: `postgres://trader:${DB_SECRET}@127.0.0.1:1/test`,
};
const LEAKS = [ENV_SECRET, KEY_ID, CONFIG_SECRET, DB_SECRET];

function expectNoLeak(text: string): void {
  for (const s of LEAKS) expect(text).not.toContain(s);
}

describe('secrets never reach logs or error output', () => {
  it('masks secrets from the environment, a config file and a venue error in every log line', async () => {
    const scrubber = new SecretScrubber();
    scrubber.addFromEnv(env);
    scrubber.add(CONFIG_SECRET);
    const lines: string[] = [];
    const log = await createLogger({ level: 'trace', write: (l) => lines.push(l), scrubber });
    const venueError = new VenueError(
      'VENUE_AUTH',
      `401 from https://data.alpaca.markets/v2/stocks/bars?key=${ENV_SECRET}`,
      {
        status: 401,
        context: { value: `APCA-API-KEY-ID: ${KEY_ID}` },
      },
    );
    log.info({ headers: { 'APCA-API-KEY-ID': KEY_ID, 'APCA-API-SECRET-KEY': ENV_SECRET } }, 'request');
    log.warn({ config: { database: { url: env.MOMENTIC_DATABASE_URL } } }, 'loaded');
    log.error({ err: venueError }, `fetch failed with key ${ENV_SECRET}`);
    log.debug({ password: CONFIG_SECRET, nested: { token: CONFIG_SECRET } }, 'creds');
    log.child({ component: 'venues.alpaca' }).info(`secret in child ${DB_SECRET}`);
    expect(lines).toHaveLength(5);
    for (const l of lines) expectNoLeak(l);
    expect(lines.join('')).toContain('[REDACTED]');
    // The lines stay valid JSON with their context.
    expect(JSON.parse(lines[4] as string)).toMatchObject({ component: 'venues.alpaca', level: 30 });
  });

  it('masks secrets in rendered CLI errors, text and JSON', () => {
    secretScrubber.addFromEnv(env);
    const e = new VenueError('VENUE_AUTH', `rejected key ${KEY_ID}`, { hint: `check ${ENV_SECRET}` });
    expectNoLeak(renderErrorText(e));
    expectNoLeak(renderErrorJson(e));
    expect(renderErrorText(e)).toContain('[REDACTED]');
  });

  it('keeps secrets out of config show, doctor and config errors', async () => {
    const cwd = tempDir();
    const show = await cli(['config', 'show'], { env, cwd });
    expect(show.code).toBe(0);
    expectNoLeak(show.stdout + show.stderr);
    expect(show.stdout).toContain('APCA_API_SECRET_KEY set');

    const showJson = await cli(['--json', 'config', 'show'], { env, cwd });
    expectNoLeak(showJson.stdout + showJson.stderr);

    const doctor = await cli(['--json', 'doctor'], { env, cwd });
    expect(doctor.code).toBe(4); // the database at port 1 is unreachable
    expectNoLeak(doctor.stdout + doctor.stderr);

    writeFileSync(join(cwd, 'bad.yaml'), `redis:\n  url: redis://:${CONFIG_SECRET}@127.0.0.1:6379\n`);
    const bad = await cli(['--config', 'bad.yaml', 'config', 'show'], { env, cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CONFIG_SECRET_IN_FILE');
    expectNoLeak(bad.stdout + bad.stderr);
  });

  it('redacts URL passwords for display', () => {
    expect(redactUrl('postgres://u:p%40ss@h:5432/d')).toBe('postgres://u:***@h:5432/d');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('not a url')).toBe('not a url');
  });
});

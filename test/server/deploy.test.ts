/**
 * The shipped Prometheus alert rules and Grafana dashboard (deploy/): well formed, and reading
 * only metrics, and labels, the service exports, so none watches a series that never exists.
 * Where promtool is installed it checks the rules and the scrape config, and runs the rules'
 * unit tests (deploy/prometheus/alerts.test.yml).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Fill } from '../../src/core/order.js';
import { ServiceMetrics } from '../../src/server/metrics/service-metrics.js';
import { tempDir } from '../support/cli.js';
import { REPO } from '../support/paths.js';
import { parsePromText } from '../support/prom-text.js';
import { promqlSelectors } from '../support/promql-names.js';

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const HAS_PROMTOOL = spawnSync(PROMTOOL, ['--version']).status === 0;
const DEPLOY = join(REPO, 'deploy');
const RULES_FILE = join(DEPLOY, 'prometheus', 'alerts.yml');
const DASHBOARD_FILE = join(DEPLOY, 'grafana', 'momentic.json');

/** Series Prometheus makes itself, and the labels it puts on every scraped series. */
const PROMETHEUS_SERIES = new Set(['up']);
const TARGET_LABELS = ['instance', 'job'];

interface Rule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Every series name the service exports (each labelled metric exercised once) with its label names. */
async function exported(): Promise<Map<string, Set<string>>> {
  const m = new ServiceMetrics();
  m.orderStatus('rejected', 'venue said no');
  m.fill({ side: 'buy' } as Fill);
  m.barToOrder(1);
  m.streamReconnect('alpaca');
  m.bar('AAPL', 1);
  m.account({ equity: 1, cash: 1, grossExposure: 0, netExposure: 0 });
  m.killSwitch('ACTIVE');
  m.heartbeat(Date.now());
  m.pipelineStep('fetch', 1, false);
  m.httpRequest('GET', '/api/runs', 200, 0.001);
  m.wsClients('fills', 1);
  const series = new Map<string, Set<string>>();
  for (const f of parsePromText(await m.text()).values()) {
    for (const s of f.samples) {
      const labels = series.get(s.name) ?? new Set(TARGET_LABELS);
      for (const l of Object.keys(s.labels)) labels.add(l);
      series.set(s.name, labels);
    }
  }
  for (const name of PROMETHEUS_SERIES) series.set(name, new Set(TARGET_LABELS));
  return series;
}

/** What an expression reads that the service does not export: unknown series, unknown labels. */
function unknownReads(expr: string, series: Map<string, Set<string>>): string[] {
  const out: string[] = [];
  for (const sel of promqlSelectors(expr)) {
    const labels = series.get(sel.metric);
    if (labels === undefined) out.push(`series ${sel.metric}`);
    else for (const l of sel.labels) if (!labels.has(l)) out.push(`label ${l} of ${sel.metric}`);
  }
  return out;
}

describe('deploy/', () => {
  let series: Map<string, Set<string>>;
  beforeAll(async () => {
    series = await exported();
  });

  describe('Prometheus alert rules', () => {
    const doc = parse(readFileSync(RULES_FILE, 'utf8')) as { groups: { name: string; rules: Rule[] }[] };
    const rules = doc.groups.flatMap((g) => g.rules);

    it('are groups of alerts, each with an expression, a duration, a severity and what to do', () => {
      expect(doc.groups.length).toBeGreaterThan(0);
      expect(new Set(doc.groups.map((g) => g.name)).size).toBe(doc.groups.length);
      expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
      for (const r of rules) {
        expect(r.alert).toMatch(/^Momentic[A-Z]\w+$/);
        expect(typeof r.expr, r.alert).toBe('string');
        expect(r.for, r.alert).toMatch(/^\d+[smhd]$/);
        expect(['warning', 'critical'], r.alert).toContain(r.labels.severity);
        expect(r.annotations.summary, r.alert).toEqual(expect.any(String));
        expect(r.annotations.description, r.alert).toEqual(expect.any(String));
      }
    });

    it('read only series and labels the service exports (or Prometheus makes: up)', () => {
      const found = Object.fromEntries(rules.map((r) => [r.alert, unknownReads(r.expr, series)]));
      expect(found).toEqual(Object.fromEntries(rules.map((r) => [r.alert, []])));
      // Between them they watch the kill switch, drawdown, exposure, staleness, the heartbeat,
      // reconnects, rejections, latency, the pipeline and the API.
      const read = new Set(rules.flatMap((r) => promqlSelectors(r.expr).map((s) => s.metric)));
      for (const name of [
        'momentic_kill_switch_state',
        'momentic_drawdown_ratio',
        'momentic_gross_exposure',
        'momentic_data_staleness_seconds',
        'momentic_node_heartbeat_timestamp_seconds',
        'momentic_stream_reconnects_total',
        'momentic_order_rejections_total',
        'momentic_bar_to_order_latency_seconds_bucket',
        'momentic_pipeline_step_failures_total',
        'momentic_http_request_duration_seconds_count',
      ]) {
        expect(read.has(name), name).toBe(true);
      }
    });

    it('would catch a rule reading a series or label that does not exist', () => {
      expect(unknownReads('momentic_equty < 0', series)).toEqual(['series momentic_equty']);
      expect(unknownReads('sum by (route) (rate(momentic_fills_total{venue="x"}[5m]))', series)).toEqual([
        'label venue of momentic_fills_total',
      ]);
      expect(
        unknownReads(
          'histogram_quantile(0.99, sum by (le) (rate(momentic_bar_to_order_latency_seconds_bucket[5m]))) > 1e-3',
          series,
        ),
      ).toEqual([]);
    });

    it.runIf(HAS_PROMTOOL)('pass promtool check rules, and their unit tests', () => {
      const check = spawnSync(PROMTOOL, ['check', 'rules', RULES_FILE], { encoding: 'utf8' });
      expect(check.status, check.stderr + check.stdout).toBe(0);
      expect(check.stdout).toContain(`SUCCESS: ${rules.length} rules found`);
      const test = spawnSync(PROMTOOL, ['test', 'rules', 'alerts.test.yml'], {
        cwd: join(DEPLOY, 'prometheus'),
        encoding: 'utf8',
      });
      expect(test.status, test.stderr + test.stdout).toBe(0);
    });

    it.runIf(HAS_PROMTOOL)('come with a scrape config that promtool accepts (given its token file)', () => {
      const dir = tempDir('momentic-prom-');
      writeFileSync(join(dir, 'momentic-token'), 'mtk_000000000000.x\n');
      copyFileSync(RULES_FILE, join(dir, 'alerts.yml'));
      const config = readFileSync(join(DEPLOY, 'prometheus', 'prometheus.yml'), 'utf8').replace(
        '/etc/prometheus/momentic-token',
        join(dir, 'momentic-token'),
      );
      writeFileSync(join(dir, 'prometheus.yml'), config);
      const r = spawnSync(PROMTOOL, ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
      expect(r.status, r.stderr + r.stdout).toBe(0);
    });
  });

  describe('Grafana dashboard', () => {
    type Panel = {
      id: number;
      type: string;
      title: string;
      gridPos: { h: number; w: number; x: number; y: number };
      datasource?: { uid: string };
      targets?: { expr: string; refId: string }[];
    };
    const dash = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as {
      title: string;
      uid: string;
      schemaVersion: number;
      panels: Panel[];
      templating: { list: { name: string; type: string }[] };
    };

    it('is a dashboard Grafana imports: uid, schema version, panels with unique ids inside the 24-column grid', () => {
      expect(dash.title).toBe('momentic');
      expect(dash.uid).toMatch(/^[\w-]{1,40}$/);
      expect(dash.schemaVersion).toBeGreaterThanOrEqual(36);
      expect(new Set(dash.panels.map((p) => p.id)).size).toBe(dash.panels.length);
      const vars = new Set(dash.templating.list.map((v) => v.name));
      for (const p of dash.panels) {
        expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
        expect(p.gridPos.h, p.title).toBeGreaterThan(0);
        if (p.type === 'row') continue;
        expect(p.targets?.length, p.title).toBeGreaterThan(0);
        expect(p.datasource?.uid, p.title).toBe('${datasource}');
        expect(new Set(p.targets!.map((t) => t.refId)).size, p.title).toBe(p.targets!.length);
      }
      expect(vars.has('datasource')).toBe(true);
    });

    it('queries only series and labels the service exports', () => {
      const targets = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => [p.title, t.expr] as const));
      expect(targets.length).toBeGreaterThan(15);
      const unknown = targets.flatMap(([title, expr]) =>
        // Grafana's own variables stand for a label value or a range, never for a series.
        unknownReads(expr.replaceAll('$__rate_interval', '5m').replaceAll('$__range', '1h'), series).map(
          (u) => `${title}: ${u}`,
        ),
      );
      expect(unknown).toEqual([]);
    });
  });
});

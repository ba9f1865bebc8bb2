/**
 * The report step: the day's report.json and report.html under `data/reports/{pipeline}/{date}/`
 * (replaced when the day is run again) and the index of the pipeline's days beside them. It runs
 * whatever failed before it: a day that stopped says why.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../data/atomic.js';
import { buildDailyReport, DAILY_REPORT_FILES, reportsDir } from './daily-report.js';
import { dailyIndexHtml, dailyReportHtml } from './daily-report-html.js';
import type { StepContext, StepOutcome } from './step-context.js';

export async function reportStep(ctx: StepContext): Promise<StepOutcome> {
  const { pipeline: p, date, ledger, home } = ctx;
  const report = await buildDailyReport({
    ledger,
    home,
    pipeline: p.name,
    mode: p.trade.mode,
    date,
    now: ctx.now(),
  });
  const root = reportsDir(home, p.name);
  const dir = join(root, date);
  mkdirSync(dir, { recursive: true });
  const json = join(dir, DAILY_REPORT_FILES.json);
  const html = join(dir, DAILY_REPORT_FILES.html);
  writeFileAtomic(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(html, dailyReportHtml(report));
  // This day is still `running` in the ledger while its report is written: listed as the report says.
  const days = (await ledger.pipelineDays(p.name)).map((d) =>
    d.date === date
      ? { ...d, status: report.status, ...(report.failure === null ? {} : { failedStep: report.failure.step }) }
      : d,
  );
  writeFileAtomic(join(root, DAILY_REPORT_FILES.index), dailyIndexHtml(p.name, days));
  return { outputs: { dir, json, html, status: report.status } };
}

import { configReport, formatConfigReport } from '../../config/show.js';
import type { CommandContext } from '../context.js';

export async function configShow(ctx: CommandContext): Promise<number> {
  const report = configReport(await ctx.config());
  if (ctx.json) {
    ctx.outJson({
      home: report.home,
      files: report.files,
      config: Object.fromEntries(report.entries.map((e) => [e.key, e.value])),
      sources: Object.fromEntries(report.entries.map((e) => [e.key, e.source])),
      credentials: report.credentials,
    });
  } else {
    ctx.out(formatConfigReport(report));
  }
  return 0;
}

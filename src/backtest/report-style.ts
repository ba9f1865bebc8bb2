/** Styles of report.html (inline: the page loads nothing). */
export const REPORT_CSS = `
*{box-sizing:border-box}
body{margin:0;font:13px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#263238;background:#f5f7f8}
header{background:#fff;border-bottom:1px solid #dfe3e6;padding:16px 24px}
h1{margin:0;font-size:20px}
h1 small{font-size:12px;color:#78909c;font-weight:normal;margin-left:8px}
h2{font-size:14px;margin:0 0 8px;color:#37474f}
h3{font-size:12px;margin:8px 0 4px;color:#546e7a}
.meta{margin:4px 0 12px;color:#546e7a}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{background:#f5f7f8;border:1px solid #e0e6ea;border-radius:6px;padding:6px 12px;min-width:120px}
.card .k{font-size:11px;color:#78909c}
.card .v{font-size:16px;font-weight:600}
main{padding:16px 24px;max-width:1280px}
section{background:#fff;border:1px solid #e0e6ea;border-radius:6px;padding:12px 14px;margin-bottom:14px}
.chart{width:100%;height:320px;position:relative}
.chart.small{height:200px}
.cols{display:grid;grid-template-columns:minmax(280px,1fr) 2fr;gap:16px}
table{border-collapse:collapse}
.metrics th{text-align:left;font-weight:normal;color:#546e7a;padding:2px 16px 2px 0}
.metrics td{text-align:right;font-variant-numeric:tabular-nums;padding:2px 0}
.why{display:block;font-size:10px;color:#90a4ae}
.heat th,.heat td{padding:3px 6px;text-align:right;font-variant-numeric:tabular-nums;border:1px solid #fff;min-width:44px}
.heat thead th{color:#546e7a;font-weight:normal}
.grid th,.grid td{padding:2px 8px;text-align:right;border-bottom:1px solid #eceff1;font-variant-numeric:tabular-nums}
.grid th{color:#546e7a;font-weight:normal}
.note{font-size:11px;color:#78909c;margin:6px 0 0}
pre.config{margin:0;max-height:420px;overflow:auto;background:#f5f7f8;padding:8px;border-radius:4px;font-size:11px}
footer{padding:8px 24px 24px;color:#78909c;font-size:11px}
footer a{color:#546e7a}
`;

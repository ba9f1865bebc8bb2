import type { FastifyReply } from 'fastify';

/**
 * The reports are self-contained pages (inline script, style and data): they may run their own
 * inline code and nothing from anywhere else.
 */
const REPORT_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function sendReport(reply: FastifyReply, html: string): FastifyReply {
  return reply.header('content-security-policy', REPORT_CSP).type('text/html; charset=utf-8').send(html);
}

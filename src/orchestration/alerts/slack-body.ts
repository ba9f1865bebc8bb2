/**
 * The webhook's JSON body, in Slack's incoming-webhook format: `text` (the notification and the
 * fallback for clients without blocks) and `blocks` (header, text, fields, context). Chat tools
 * with Slack-compatible webhooks that know no blocks still show `text`. Texts are cut to Slack's
 * limits, since an over-long block makes Slack refuse the whole message with a 400.
 * @see https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
 * @see https://docs.slack.dev/reference/block-kit/blocks/header-block (150 characters)
 * @see https://docs.slack.dev/reference/block-kit/blocks/section-block (text 3000, 10 fields of 2000)
 */
import { isoTime, type Alert, type Severity } from './alert.js';

const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const FIELDS_PER_SECTION = 10;
/** Blocks in one message are capped at 50; a few sections of fields are plenty for an alert. */
const FIELD_SECTIONS_MAX = 4;

const EMOJI: Readonly<Record<Severity, string>> = {
  info: ':information_source:',
  warning: ':warning:',
  critical: ':rotating_light:',
};

export interface SlackBody {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

/** Cuts `s` to `max` characters, marking the cut. */
export function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Slack reads `&`, `<` and `>` as markup (`<!channel>` notifies everyone): alert text is escaped. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackBody(a: Alert): SlackBody {
  const severity = a.severity.toUpperCase();
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(`${severity}: ${a.title}`, HEADER_MAX) } },
  ];
  if (a.text !== '') {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(escapeMrkdwn(a.text), SECTION_MAX) } });
  }
  const fields = Object.entries(a.fields).map(([k, v]) => ({
    type: 'mrkdwn',
    text: cut(`*${escapeMrkdwn(k)}*\n${escapeMrkdwn(String(v))}`, FIELD_MAX),
  }));
  for (let i = 0; i < fields.length && i < FIELDS_PER_SECTION * FIELD_SECTIONS_MAX; i += FIELDS_PER_SECTION) {
    blocks.push({ type: 'section', fields: fields.slice(i, i + FIELDS_PER_SECTION) });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `${EMOJI[a.severity]} ${a.severity} · ${a.kind} · ${isoTime(a.ts)}` }],
  });
  const text = cut(escapeMrkdwn(`[${severity}] ${a.title}${a.text === '' ? '' : `: ${a.text}`}`), SECTION_MAX);
  return { text, blocks };
}

// Risk: the kill switch, the configured limits and the latest risk events; for operator and
// admin tokens, the operator's actions (halt, resume, reduce, flatten, pause), each behind a
// confirmation that asks for the reason the audit log keeps. The server checks the role again.
import { api } from './api.js';
import { errorBox, flatten, fmt, h, killBadge, kvTable, table } from './dom.js';

/**
 * The actions (docs/operations.md, "Admin controls"): what each does, shown in the
 * confirmation, whether the audit log needs a reason, and the button's style.
 */
export const ACTIONS = [
  { action: 'halt', label: 'Halt', style: 'danger', reason: true, what: 'sets the kill switch to HALTED: no order passes, and the positions are flattened at the next bar' },
  { action: 'reduce', label: 'Reduce', style: 'warn', reason: false, what: 'sets the kill switch to REDUCING: only orders that reduce a position pass' },
  { action: 'flatten', label: 'Flatten', style: 'danger', reason: true, what: 'cancels every open order and closes each position with a market order, now' },
  { action: 'pause', label: 'Pause', style: 'warn', reason: false, strategy: true, what: "holds a strategy's new orders until it is unpaused" },
  { action: 'resume', label: 'Resume', style: '', reason: true, what: 'sets the kill switch back to ACTIVE; a halt whose flatten has not run yet is called off' },
]; // prettier-ignore

const canOperate = (role) => role === 'operator' || role === 'admin';

function confirmDialog(a, onConfirm) {
  const reason = h('textarea', { name: 'reason', id: 'admin-reason', rows: 3, required: a.reason, maxlength: 500 });
  const strategy = a.strategy
    ? h('input', { name: 'strategy', id: 'admin-strategy', required: true, autocomplete: 'off' })
    : null;
  const status = h('p', { role: 'status', class: 'muted', id: 'admin-status' });
  const confirm = h('button', {
    type: 'submit',
    class: a.style || null,
    id: 'admin-confirm',
    text: `Confirm ${a.action}`,
  });
  const dialog = h(
    'dialog',
    { id: 'admin-dialog', 'aria-labelledby': 'admin-dialog-title' },
    h(
      'form',
      {
        method: 'dialog',
        onsubmit: async (e) => {
          e.preventDefault();
          if (!e.target.reportValidity()) return;
          confirm.disabled = true;
          status.textContent = 'Sending…';
          // An optional reason left blank is not sent: the server refuses an empty one.
          const body = reason.value.trim() === '' ? {} : { reason: reason.value.trim() };
          if (strategy) body.strategy = strategy.value.trim();
          status.textContent = await onConfirm(body);
          confirm.disabled = false;
        },
      },
      h('h2', { id: 'admin-dialog-title', text: `${a.label}?` }),
      h('p', { id: 'admin-what', text: `${a.label} ${a.what}. The audit log records it with your token.` }),
      strategy ? h('label', {}, 'Strategy', strategy) : null,
      h('label', {}, a.reason ? 'Reason (required)' : 'Reason', reason),
      status,
      h(
        'div',
        { class: 'row' },
        confirm,
        h('button', {
          type: 'button',
          class: 'secondary',
          id: 'admin-cancel',
          text: 'Cancel',
          onclick: () => dialog.close(),
        }),
      ),
    ),
  );
  dialog.addEventListener('close', () => dialog.remove());
  return dialog;
}

/** What the last operator action came to: the view is drawn again after an action, and still says so. */
let lastResult = '';

const sinceText = (k) => (k.recorded ? `${k.reason ?? ''} (since ${fmt.time(k.ts ?? k.written_at)})` : 'never changed');

export async function mount(root, ctx) {
  const risk = await api.risk({ events: 100 });
  const k = risk.kill_switch;
  const badgeSlot = h('span', {}, killBadge(k.state));
  const since = h('span', { class: 'muted', id: 'kill-reason', text: sinceText(k) });
  root.append(
    h('h1', { text: 'Risk' }),
    h('div', { class: 'row panel' }, h('strong', { text: 'Kill switch' }), badgeSlot, since),
  );

  if (canOperate(ctx.whoami.role)) {
    const result = h('p', { role: 'status', id: 'admin-result', text: lastResult });
    const act = (a) => async (body) => {
      try {
        await api.adminAction(a.action, body);
        lastResult = `${a.label}: done.`;
        result.textContent = lastResult;
        document.getElementById('admin-dialog')?.close();
        ctx.reload();
        return 'Done.';
      } catch (e) {
        const text =
          e.status === 404 && e.code === 'API_NOT_FOUND'
            ? `This server has no ${a.action} action (${e.message}).`
            : `${e.message}. ${e.hint ?? ''}`;
        return text;
      }
    };
    root.append(
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'admin-title' },
        h('h2', { id: 'admin-title', text: 'Operator actions' }),
        h(
          'div',
          { class: 'admin' },
          ACTIONS.map((a) =>
            h('button', {
              type: 'button',
              class: a.style || null,
              id: `admin-${a.action}`,
              text: a.label,
              onclick: () => {
                const d = confirmDialog(a, act(a));
                document.body.append(d);
                d.showModal();
              },
            }),
          ),
        ),
        result,
      ),
    );
  }

  const events = table({
    caption: 'Latest risk events (most recent first)',
    id: 'risk-events',
    empty: 'No risk event recorded.',
    columns: [
      { key: 'ts', label: 'time', format: fmt.time },
      { key: 'run_id', label: 'run' },
      { key: 'kind', label: 'kind' },
      { key: 'check', label: 'check' },
      { key: 'symbol', label: 'symbol' },
      { key: 'to_state', label: 'to', format: (v, r) => (v ? `${r.from_state ?? ''} → ${v}` : '–') },
      { key: 'reason', label: 'reason', wrap: true },
    ],
    rows: risk.events,
  });
  root.append(kvTable('Limits (risk.*)', flatten(risk.limits), 'limits'), events.element);
  if (canOperate(ctx.whoami.role)) {
    try {
      const audit = await api.audit(30);
      root.append(
        table({
          caption: 'Audit log (most recent first)',
          id: 'audit',
          empty: 'Nothing audited yet.',
          columns: [
            { key: 'ts', label: 'time', format: fmt.time },
            { key: 'actor', label: 'who' },
            { key: 'action', label: 'action' },
            { key: 'subject', label: 'subject' },
            { key: 'detail', label: 'detail', wrap: true, format: (v) => (v ? JSON.stringify(v) : '–') },
          ],
          rows: audit.items,
        }).element,
      );
    } catch (e) {
      root.append(errorBox(e));
    }
  }
  const show = (state, text) => {
    badgeSlot.replaceChildren(killBadge(state));
    since.textContent = text;
  };
  const disposers = [];
  if (ctx.feed?.has('risk')) {
    disposers.push(
      ctx.feed.on('risk', (r) =>
        show(r.state, `${r.reason ?? ''}${r.paused ? ' · paused' : ''} (since ${fmt.time(r.time)})`),
      ),
    );
  }
  return {
    async refresh() {
      const now = await api.risk({ events: 100 });
      show(now.kill_switch.state, sinceText(now.kill_switch));
      events.setRows(now.events);
    },
    unmount: () => disposers.forEach((d) => d()),
  };
}

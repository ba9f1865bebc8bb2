// Risk: the kill switch, the configured limits and the latest risk events; for operator and
// admin tokens, the operator's actions (halt, resume, reduce, flatten, pause, set a limit), each
// behind a confirmation that asks for the reason the audit log keeps, sent to the session chosen
// in the node picker when several run. The server checks the role again.
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
  { action: 'set-limit', label: 'Set limit', style: 'warn', reason: true, limit: true, what: 'changes a risk limit of the running session until it restarts (the config file is not changed)' },
]; // prettier-ignore

/** The risk keys a running session can change (`momentic admin set-limit`). */
export const SETTABLE_LIMITS = [
  'max_daily_drawdown', 'max_risk_per_trade', 'max_position', 'max_gross_intraday', 'max_gross_swing',
  'max_short_of_gross', 'max_positions', 'pause_after_losses', 'max_trades_per_day', 'max_order_notional',
  'max_order_qty', 'price_collar', 'max_leverage', 'kill_switch.max_venue_errors', 'kill_switch.stale_data_seconds',
]; // prettier-ignore

/** The session admin commands go to: chosen in the picker when several sessions run. */
let chosenNode = '';

const canOperate = (role) => role === 'operator' || role === 'admin';

function confirmDialog(a, onConfirm) {
  const reason = h('textarea', { name: 'reason', id: 'admin-reason', rows: 3, required: a.reason, maxlength: 500 });
  const strategy = a.strategy
    ? h('input', { name: 'strategy', id: 'admin-strategy', required: true, autocomplete: 'off' })
    : null;
  const limitKey = a.limit
    ? h(
        'select',
        { name: 'key', id: 'admin-limit-key', required: true },
        SETTABLE_LIMITS.map((k) => h('option', { value: k, text: k })),
      )
    : null;
  const limitValue = a.limit
    ? h('input', { name: 'value', id: 'admin-limit-value', type: 'number', step: 'any', required: true })
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
          if (limitKey) {
            body.key = limitKey.value;
            body.value = Number(limitValue.value);
          }
          if (chosenNode !== '') body.node = chosenNode;
          status.textContent = await onConfirm(body);
          confirm.disabled = false;
        },
      },
      h('h2', { id: 'admin-dialog-title', text: `${a.label}?` }),
      h('p', {
        id: 'admin-what',
        text: `${a.label} ${a.what}${chosenNode === '' ? '' : ` (session ${chosenNode})`}. The audit log records it with your token.`,
      }),
      strategy ? h('label', {}, 'Strategy', strategy) : null,
      limitKey ? h('label', {}, 'Limit', limitKey) : null,
      limitValue ? h('label', {}, 'New value', limitValue) : null,
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

  const disposersEarly = [];
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
    // The sessions admin commands can go to: the running ones in the ledger, and those the feed shows.
    const nodes = new Set([...(await api.account()).items.map((a) => a.run_id), ...(ctx.feed?.seenRuns() ?? [])]);
    const picker = h(
      'select',
      {
        id: 'node-pick',
        onchange: (e) => {
          chosenNode = e.target.value;
        },
      },
      h('option', { value: '', text: 'the only running session' }),
    );
    const addNode = (id) => {
      if (id === null || id === undefined || nodes.has(id)) return;
      nodes.add(id);
      drawPicker();
    };
    const pickerRow = h('div', { class: 'row' }, h('label', { class: 'inline' }, 'Session ', picker));
    const drawPicker = () => {
      if (chosenNode !== '' && !nodes.has(chosenNode)) nodes.add(chosenNode);
      const list = [...nodes].sort();
      if (list.length > 1 && chosenNode === '') chosenNode = list[0];
      picker.replaceChildren(
        ...(list.length > 1 ? [] : [h('option', { value: '', text: 'the only running session' })]),
        ...list.map((n) => h('option', { value: n, selected: n === chosenNode, text: n })),
      );
      // Through the style: `.row`'s display rule would outweigh `hidden`.
      pickerRow.style.display = list.length < 2 ? 'none' : '';
    };
    drawPicker();
    if (ctx.feed?.has('risk')) disposersEarly.push(ctx.feed.on('risk', (r) => addNode(r.run_id)));
    if (ctx.feed?.has('equity')) disposersEarly.push(ctx.feed.on('equity', (e) => addNode(e.run_id)));
    root.append(
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'admin-title' },
        h('h2', { id: 'admin-title', text: 'Operator actions' }),
        pickerRow,
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
  const disposers = [...disposersEarly];
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

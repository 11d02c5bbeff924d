// common: pieces several pages share: severity and status badges, SLA
// clocks (one ticker for the whole page), tables, error and empty states.

import { h, replace } from './dom.js';
import { t, fmtDuration, fmtTime } from './i18n.js';

export const SEVERITIES = ['emergency', 'critical', 'warning', 'informational'];
export const STATUSES = ['new', 'acknowledged', 'notified', 'responding', 'resolved', 'closed'];
export const OPEN_STATUSES = ['new', 'acknowledged', 'notified', 'responding'];

export function isStaff(me) {
    return me && (me.role === 'analyst' || me.role === 'admin');
}

export function sevBadge(sev) {
    const s = SEVERITIES.includes(sev) ? sev : 'informational';
    return h('span.badge.sev-' + s, t('severity.' + s));
}

export function statusBadge(st) {
    return h('span.badge.st-' + (STATUSES.includes(st) ? st : 'new'), t('status.' + st));
}

export function levelBadge(level) {
    const l = String(level || 'informational').toLowerCase();
    return h('span.badge.lvl-' + l.replace(/[^a-z]/g, ''), t('level.' + l));
}

// ---- SLA clocks ----
// An open incident's clock counts down to sla_due until the customer has
// been notified; past it, it counts up in red. One interval updates every
// clock in the document, so pages only create the elements.

function slaText(el) {
    const due = Date.parse(el.dataset.due);
    const status = el.dataset.status;
    if (el.dataset.notified) {
        const late = el.dataset.breached === 'true';
        el.className = 'sla ' + (late ? 'sla-breached' : 'sla-met');
        return t(late ? 'sla.notified_late' : 'sla.notified', { time: fmtTime(el.dataset.notified) });
    }
    if (!OPEN_STATUSES.includes(status)) {
        el.className = 'sla sla-done';
        return '—';
    }
    if (isNaN(due)) {
        el.className = 'sla';
        return '—';
    }
    const left = (due - Date.now()) / 1000;
    if (left >= 0) {
        el.className = 'sla ' + (left < 300 ? 'sla-soon' : 'sla-ok');
        return t('sla.left', { d: fmtDuration(left) });
    }
    el.className = 'sla sla-breached';
    return t('sla.overdue', { d: fmtDuration(-left) });
}

export function slaClock(inc) {
    const el = h('span.sla', {
        role: 'timer',
        dataset: {
            due: inc.sla_due || '',
            status: inc.status || '',
            notified: inc.notified || '',
            breached: inc.sla_breached ? 'true' : 'false',
        },
    });
    el.textContent = slaText(el);
    return el;
}

function tickClocks() {
    for (const el of document.querySelectorAll('span.sla[data-due]')) {
        const s = slaText(el);
        if (el.textContent !== s) el.textContent = s;
    }
}
setInterval(tickClocks, 1000);

// ---- tables ----

// columns: [{label, cell(row) -> node|string, class?}]
export function table(columns, rows, opts = {}) {
    const body = h('tbody');
    fillTable(body, columns, rows, opts);
    return h('div.table-wrap', h('table.grid', { 'aria-label': opts.label || null },
        opts.caption ? h('caption', opts.caption) : null,
        h('thead', h('tr', columns.map((c) => h('th', { scope: 'col', class: c.class || null }, c.label)))),
        body));
}

export function fillTable(body, columns, rows, opts = {}) {
    replace(body);
    if (!rows.length) {
        body.append(h('tr', h('td.empty', { colspan: columns.length }, opts.empty || t('common.none'))));
        return;
    }
    for (const row of rows) {
        const tr = h('tr', columns.map((c) => h('td', { class: c.class || null }, c.cell(row))));
        if (opts.rowAttrs) opts.rowAttrs(tr, row);
        body.append(tr);
    }
}

export function errorBox(err) {
    return h('p.error', { role: 'alert' }, t('common.error', { msg: err && err.message ? err.message : String(err) }));
}

export function loading() {
    return h('p.loading', { 'aria-live': 'polite' }, t('common.loading'));
}

export function section(title, ...children) {
    const id = 'sec-' + Math.random().toString(36).slice(2, 9);
    return h('section.card', { 'aria-labelledby': id }, h('h2', { id }, title), children);
}

export function toast(msg, kind = 'ok') {
    const el = document.getElementById('toast');
    if (!el) return;
    el.textContent = msg;
    el.className = 'toast show toast-' + kind;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (el.className = 'toast'), 4000);
}

export function ip(obj, which) {
    return (obj && obj[which + '.ip']) || (obj && obj[which] && obj[which].ip) || '';
}

export function incidentLink(inc) {
    return h('a', { href: '#/incidents/' + encodeURIComponent(inc.id) }, inc.title || String(inc.id));
}

// Incidents: the list with filters (status, severity; the tenant filter is
// the header's), 50 a page, refreshed live when an incident is created or
// changes.

import { get } from '../api.js';
import { h, select, throttle } from '../dom.js';
import { t, fmtTime, fmtNumber } from '../i18n.js';
import * as stream from '../stream.js';
import { SEVERITIES, STATUSES, sevBadge, statusBadge, slaClock, fillTable, errorBox, incidentLink, ip } from '../common.js';

const PAGE = 50;

export async function render(view) {
    const status = view.query.get('status') || '';
    const severity = view.query.get('severity') || '';
    const offset = Math.max(0, parseInt(view.query.get('offset') || '0', 10) || 0);
    const showTenant = !view.tenant;

    const go = (changes) => {
        const q = new URLSearchParams({ status, severity, offset: String(offset), ...changes });
        for (const [k, v] of [...q.entries()]) if (!v || v === '0') q.delete(k);
        const s = q.toString();
        view.navigate('#/incidents' + (s ? '?' + s : ''));
    };

    const filters = h('form.filters', { role: 'search', onsubmit: (e) => e.preventDefault() },
        h('label', t('col.status'), ' ',
            select({ id: 'filter-status', onchange: (e) => go({ status: e.target.value, offset: '0' }) },
                [['', t('common.any')], ['open', t('status.open')], ...STATUSES.map((s) => [s, t('status.' + s)])], status)),
        h('label', t('col.severity'), ' ',
            select({ id: 'filter-severity', onchange: (e) => go({ severity: e.target.value, offset: '0' }) },
                [['', t('common.any')], ...SEVERITIES.map((s) => [s, t('severity.' + s)])], severity)));

    const cols = [
        { label: t('col.id'), cell: (i) => String(i.id) },
        { label: t('col.severity'), cell: (i) => sevBadge(i.severity) },
        { label: t('col.incident'), cell: (i) => incidentLink(i) },
        ...(showTenant ? [{ label: t('col.tenant'), cell: (i) => i.tenant }] : []),
        { label: t('col.status'), cell: (i) => statusBadge(i.status) },
        { label: t('col.assignee'), cell: (i) => i.assignee || '—' },
        { label: t('col.source'), cell: (i) => ip(i, 'source') },
        { label: t('col.sla'), cell: (i) => slaClock(i) },
        { label: t('col.created'), cell: (i) => fmtTime(i.created) },
        { label: t('col.updated'), cell: (i) => fmtTime(i.updated) },
    ];
    const body = h('tbody', { id: 'incident-rows' });
    const count = h('p.muted', { id: 'incident-count', 'aria-live': 'polite' });
    const pager = h('nav.pager', { 'aria-label': t('common.pages') });
    view.el.append(h('h1', t('incidents.title')), filters, count,
        h('div.table-wrap', h('table.grid', { 'aria-label': t('incidents.title') },
            h('thead', h('tr', cols.map((c) => h('th', { scope: 'col' }, c.label)))), body)),
        pager);

    async function load() {
        const r = await get('/incidents', { tenant: view.tenant, status, severity, limit: PAGE, offset });
        if (!view.alive()) return;
        const list = r.incidents || [];
        fillTable(body, cols, list, { empty: t('incidents.none'), rowAttrs: (tr, i) => (tr.dataset.id = i.id) });
        const total = r.total ?? list.length;
        count.textContent = t('incidents.count', { n: fmtNumber(total) });
        pager.replaceChildren(
            offset > 0 ? h('button', { type: 'button', onclick: () => go({ offset: String(Math.max(0, offset - PAGE)) }) }, t('common.prev')) : '',
            offset + list.length < total ? h('button', { type: 'button', onclick: () => go({ offset: String(offset + PAGE) }) }, t('common.next')) : '');
    }
    try {
        await load();
    } catch (e) {
        view.el.append(errorBox(e));
    }
    const refresh = throttle(() => load().catch(() => {}), 300);
    view.cleanup(stream.on('incident', (inc) => {
        if (!view.tenant || inc.tenant === view.tenant) refresh();
    }));
}

// Devices: every device of the tenant(s) with its status (up, silent,
// never seen), last log, logs and parse errors of the last 24 h.

import { get } from '../api.js';
import { h } from '../dom.js';
import { t, fmtTime, fmtAgo, fmtNumber } from '../i18n.js';
import * as stream from '../stream.js';
import { table, errorBox } from '../common.js';
import { throttle } from '../dom.js';

export async function render(view) {
    const showTenant = !view.tenant;
    const cols = [
        { label: t('col.device'), cell: (d) => d.name },
        ...(showTenant ? [{ label: t('col.tenant'), cell: (d) => d.tenant }] : []),
        { label: t('col.kind'), cell: (d) => d.kind },
        { label: t('col.status'), cell: (d) => h('span.badge.dev-' + d.status, t('device.' + d.status)) },
        { label: t('col.last_seen'), cell: (d) => d.last_seen ? h('span', { title: fmtAgo(d.last_seen) }, fmtTime(d.last_seen)) : t('common.never') },
        { label: t('col.logs_24h'), class: 'num', cell: (d) => fmtNumber(d.logs_24h) },
        { label: t('col.parse_errors'), class: 'num', cell: (d) => h('span', { class: d.parse_errors_24h > 0 ? 'warn-text' : null }, fmtNumber(d.parse_errors_24h)) },
    ];
    view.el.append(h('h1', t('devices.title')), h('p.muted', t('devices.intro')));
    const box = h('div', { id: 'devices' });
    view.el.append(box);
    async function load() {
        const r = await get('/devices', { tenant: view.tenant });
        if (!view.alive()) return;
        const devs = (r.devices || []).sort((a, b) => String(a.tenant).localeCompare(String(b.tenant)) || String(a.name).localeCompare(String(b.name)));
        box.replaceChildren(table(cols, devs, { label: t('devices.title'), empty: t('dashboard.no_devices') }));
    }
    try {
        await load();
    } catch (e) {
        view.el.append(errorBox(e));
    }
    const refresh = throttle(() => load().catch(() => {}), 10000);
    view.cleanup(stream.on('counters', refresh));
}

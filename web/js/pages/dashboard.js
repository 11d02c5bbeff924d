// Dashboard: log and event counts (last 24 h by minute, 30 days by day),
// open incidents by severity and status with live SLA clocks, recent
// detections and device status. Kept current by the stream: counters move
// the minute chart, new detections and incidents appear without a reload.

import { get } from '../api.js';
import { h, replace, throttle } from '../dom.js';
import { t, fmtNumber, fmtTime, fmtAgo } from '../i18n.js';
import * as stream from '../stream.js';
import { timeChart } from '../charts.js';
import {
    SEVERITIES, STATUSES, OPEN_STATUSES, sevBadge, statusBadge, levelBadge, slaClock,
    table, fillTable, errorBox, section, ip, incidentLink,
} from '../common.js';

const MIN = 60;

function minuteOf(v) {
    const ms = typeof v === 'number' ? v : Date.parse(v);
    return Math.floor(ms / 60000) * 60;
}

export async function render(view) {
    const tenant = view.tenant;
    const showTenant = !tenant;
    const matches = (x) => !tenant || !x || !x.tenant || x.tenant === tenant;

    view.el.append(h('h1', t('dashboard.title')));

    const cards = h('div.cards', { id: 'summary-cards' });
    const statusRow = h('div.status-row', { id: 'status-row' });
    const minuteBox = h('div', { id: 'minute-chart' });
    // The minute chart shows 24 h; the buttons narrow the view to the last
    // hours (the data stays the full day).
    let zoomHours = 24;
    const zoomButtons = [1, 6, 24].map((n) => h('button', {
        type: 'button', 'aria-pressed': String(n === zoomHours),
        onclick: () => {
            zoomHours = n;
            for (const b of zoomButtons) b.setAttribute('aria-pressed', String(b.dataset.h === String(n)));
            applyZoom();
        }, dataset: { h: String(n) },
    }, t('dashboard.zoom', { n })));
    const zoomBar = h('div.zoom', { role: 'group', 'aria-label': t('dashboard.zoom_label') }, zoomButtons);
    const dayBox = h('div');
    const incBody = h('tbody');
    const detBody = h('tbody');
    const devBody = h('tbody');

    const incCols = [
        { label: t('col.severity'), cell: (i) => sevBadge(i.severity) },
        { label: t('col.incident'), cell: (i) => incidentLink(i) },
        ...(showTenant ? [{ label: t('col.tenant'), cell: (i) => i.tenant }] : []),
        { label: t('col.status'), cell: (i) => statusBadge(i.status) },
        { label: t('col.sla'), cell: (i) => slaClock(i) },
        { label: t('col.created'), cell: (i) => fmtTime(i.created) },
    ];
    const detCols = [
        { label: t('col.time'), cell: (e) => fmtTime(e.last_seen || e.first_seen) },
        { label: t('col.level'), cell: (e) => levelBadge(e.level) },
        { label: t('col.detection'), cell: (e) => e.incident_id
            ? h('a', { href: '#/incidents/' + encodeURIComponent(e.incident_id) }, e.title || e.rule_id)
            : (e.title || e.rule_id) },
        ...(showTenant ? [{ label: t('col.tenant'), cell: (e) => e.tenant }] : []),
        { label: t('col.source'), cell: (e) => ip(e, 'source') },
        { label: t('col.count'), class: 'num', cell: (e) => fmtNumber(e.count) },
    ];
    const devCols = [
        { label: t('col.device'), cell: (d) => d.name },
        ...(showTenant ? [{ label: t('col.tenant'), cell: (d) => d.tenant }] : []),
        { label: t('col.kind'), cell: (d) => d.kind },
        { label: t('col.status'), cell: (d) => h('span.badge.dev-' + d.status, t('device.' + d.status)) },
        { label: t('col.last_seen'), cell: (d) => h('span', { title: fmtTime(d.last_seen) }, fmtAgo(d.last_seen)) },
        { label: t('col.logs_24h'), class: 'num', cell: (d) => fmtNumber(d.logs_24h) },
        { label: t('col.parse_errors'), class: 'num', cell: (d) => h('span', { class: d.parse_errors_24h > 0 ? 'warn-text' : null }, fmtNumber(d.parse_errors_24h)) },
    ];
    const wrapTable = (cols, body, label) => h('div.table-wrap', h('table.grid', { 'aria-label': label },
        h('thead', h('tr', cols.map((c) => h('th', { scope: 'col', class: c.class || null }, c.label)))), body));

    view.el.append(
        cards,
        h('div.grid-2',
            section(t('dashboard.open_incidents'), statusRow, wrapTable(incCols, incBody, t('dashboard.open_incidents'))),
            section(t('dashboard.recent_detections'), wrapTable(detCols, detBody, t('dashboard.recent_detections')))),
        section(t('dashboard.last_24h'), zoomBar, minuteBox),
        section(t('dashboard.last_30d'), dayBox),
        section(t('dashboard.devices'), wrapTable(devCols, devBody, t('dashboard.devices'))),
    );
    incBody.id = 'open-incidents';
    detBody.id = 'recent-detections';
    devBody.id = 'device-status';

    // ---- data ----
    const q = { tenant };
    let detections = [];

    async function loadSummary() {
        const s = await get('/stats/summary', q);
        if (!view.alive()) return;
        const open = s.open_incidents || {};
        const total = SEVERITIES.reduce((n, k) => n + (open[k] || 0), 0);
        replace(cards,
            h('div.stat', h('span.stat-label', t('dashboard.open_total')), h('span.stat-value', { id: 'open-total' }, fmtNumber(total))),
            SEVERITIES.map((k) => h('a.stat.stat-' + k, { href: '#/incidents?severity=' + k },
                h('span.stat-label', t('severity.' + k)), h('span.stat-value', fmtNumber(open[k] || 0)))),
            h('div.stat', h('span.stat-label', t('dashboard.logs_24h')), h('span.stat-value', { id: 'logs-24h' }, fmtNumber(s.logs_24h))),
            h('div.stat', h('span.stat-label', t('dashboard.events_24h')), h('span.stat-value', fmtNumber(s.events_24h))),
            h('div.stat', h('span.stat-label', t('dashboard.sla_breaches')), h('span.stat-value', { class: s.sla_breaches_30d ? 'warn-text' : null }, fmtNumber(s.sla_breaches_30d))));
        const by = s.by_status || {};
        replace(statusRow, STATUSES.filter((k) => OPEN_STATUSES.includes(k)).map((k) =>
            h('a.status-count', { href: '#/incidents?status=' + k }, statusBadge(k), ' ', fmtNumber(by[k] || 0))));
    }

    let flashId = null;
    async function loadIncidents() {
        const r = await get('/incidents', { ...q, status: 'open', limit: 200 });
        if (!view.alive()) return;
        const open = (r.incidents || []).filter((i) => OPEN_STATUSES.includes(i.status))
            .sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || String(b.created).localeCompare(String(a.created)))
            .slice(0, 15);
        fillTable(incBody, incCols, open, {
            empty: t('dashboard.no_open'),
            rowAttrs: (tr, i) => {
                tr.dataset.id = i.id;
                if (String(i.id) === String(flashId)) tr.classList.add('flash');
            },
        });
    }

    function drawDetections() {
        fillTable(detBody, detCols, detections.slice(0, 10), { empty: t('dashboard.no_detections') });
    }
    async function loadDetections() {
        const r = await get('/events', { ...q, limit: 10 });
        if (!view.alive()) return;
        detections = r.events || [];
        drawDetections();
    }

    async function loadDevices() {
        const r = await get('/devices', q);
        if (!view.alive()) return;
        const devs = (r.devices || []).sort((a, b) => String(a.tenant).localeCompare(String(b.tenant)) || String(a.name).localeCompare(String(b.name)));
        fillTable(devBody, devCols, devs, { empty: t('dashboard.no_devices') });
    }

    // minute chart: dense 24 h of minutes ending now
    let minuteChart = null;
    let mx = [], mlogs = [], mevents = [];
    const live = new Map(); // minute -> Map(tenant -> logs) from the stream
    function minuteIndex(m) {
        return (m - mx[0]) / MIN;
    }
    const settleSoon = throttle(() => settleRecentMinutes().catch(() => {}), 3000);
    function rollTo(nowMin) {
        let last = mx[mx.length - 1];
        if (nowMin <= last) return false;
        while (last < nowMin) {
            last += MIN;
            mx.push(last); mlogs.push(0); mevents.push(0);
            mx.shift(); mlogs.shift(); mevents.shift();
        }
        for (const k of live.keys()) if (k < mx[0]) live.delete(k);
        settleSoon();
        return true;
    }
    async function loadMinutes() {
        const r = await get('/stats/minutes', q);
        if (!view.alive()) return;
        const now = minuteOf(Date.now());
        mx = []; mlogs = []; mevents = [];
        for (let m = now - 1439 * MIN; m <= now; m += MIN) { mx.push(m); mlogs.push(0); mevents.push(0); }
        for (const p of r.minutes || []) {
            const i = minuteIndex(minuteOf(p.t));
            if (i >= 0 && i < mx.length) { mlogs[i] += p.logs || 0; mevents[i] += p.events || 0; }
        }
        if (minuteChart) minuteChart.destroy();
        replace(minuteBox);
        minuteChart = timeChart(minuteBox, {
            label: t('dashboard.last_24h'),
            series: [{ label: t('chart.logs'), key: 'logs' }, { label: t('chart.events'), key: 'events', scale: 'right' }],
            data: [mx, mlogs, mevents],
        });
        markTotals();
        if (zoomHours !== 24) applyZoom();
    }
    function applyZoom() {
        if (!minuteChart || !mx.length) return;
        const max = mx[mx.length - 1];
        minuteChart.plot.setScale('x', { min: max - zoomHours * 3600 + MIN, max });
    }
    // data-logs / data-events: what the minute chart holds, for tests and tools
    function markTotals() {
        minuteBox.dataset.logs = String(mlogs.reduce((a, b) => a + b, 0));
        minuteBox.dataset.events = String(mevents.reduce((a, b) => a + b, 0));
    }
    const redrawMinutes = throttle(() => {
        if (!minuteChart || !view.alive()) return;
        markTotals();
        minuteChart.plot.setData([mx, mlogs, mevents], zoomHours === 24);
        if (zoomHours !== 24) applyZoom();
    }, 250);

    let dayChart = null;
    async function loadDays() {
        const r = await get('/stats/days', { ...q, days: 30 });
        if (!view.alive()) return;
        const pts = (r.days || []).map((p) => [Math.floor(Date.parse(p.t) / 1000), p.logs || 0, p.events || 0, p.incidents || 0])
            .sort((a, b) => a[0] - b[0]);
        const data = [pts.map((p) => p[0]), pts.map((p) => p[1]), pts.map((p) => p[2]), pts.map((p) => p[3])];
        if (dayChart) {
            dayChart.plot.setData(data);
            return;
        }
        replace(dayBox);
        const c = dayChart = timeChart(dayBox, {
            label: t('dashboard.last_30d'),
            unit: 'day',
            series: [{ label: t('chart.logs'), key: 'logs', bars: true },
                { label: t('chart.events'), key: 'events', scale: 'right' },
                { label: t('chart.incidents'), key: 'incidents', scale: 'right' }],
            data,
        });
        if (c) view.cleanup(c.destroy);
    }

    const results = await Promise.allSettled([loadSummary(), loadIncidents(), loadDetections(), loadDevices(), loadMinutes(), loadDays()]);
    if (!view.alive()) return;
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) view.el.prepend(errorBox(failed.reason));
    view.cleanup(() => minuteChart && minuteChart.destroy());

    // ---- live ----
    const refreshIncidents = throttle(() => { loadSummary().catch(() => {}); loadIncidents().catch(() => {}); }, 300);
    const refreshSlow = throttle(() => {
        loadSummary().catch(() => {});
        loadDevices().catch(() => {});
        loadDays().catch(() => {});
    }, 5000);
    const counted = new Set(detections.map((d) => String(d.id))); // events already in the charts

    view.cleanup(stream.on('incident', (inc) => {
        if (!matches(inc)) return;
        flashId = inc.id;
        refreshIncidents();
        refreshSlow();
    }));
    view.cleanup(stream.on('detection', (ev) => {
        if (!matches(ev)) return;
        detections = [ev, ...detections.filter((d) => d.id !== ev.id)].slice(0, 10);
        drawDetections();
        if (detBody.firstChild) detBody.firstChild.classList.add('flash');
        // a detection message comes again when its event changes: count it once
        if (mx.length && !counted.has(String(ev.id))) {
            counted.add(String(ev.id));
            const m = minuteOf(Date.now());
            rollTo(m);
            const i = minuteIndex(m);
            if (i >= 0 && i < mx.length) mevents[i] += 1;
            redrawMinutes();
        }
    }));
    view.cleanup(stream.on('counters', (c) => {
        if (!matches(c) || !mx.length) return;
        const m = minuteOf(c.t || Date.now());
        rollTo(minuteOf(Date.now()));
        const i = minuteIndex(m);
        if (i < 0 || i >= mx.length) return;
        if (!live.has(m)) live.set(m, new Map());
        live.get(m).set(c.tenant || '', c.logs || 0);
        let sum = 0;
        for (const v of live.get(m).values()) sum += v;
        mlogs[i] = Math.max(mlogs[i], sum);
        redrawMinutes();
        refreshSlow();
    }));
    // The stream counts the current minute only: when a minute is over, its
    // final counts (and those of the few before) are asked once more, a few
    // seconds into the next one (the server saves counts every second).
    async function settleRecentMinutes() {
        const r = await get('/stats/minutes', { ...q, from: new Date(Date.now() - 5 * 60000).toISOString() });
        if (!view.alive() || !mx.length) return;
        for (const p of r.minutes || []) {
            const i = minuteIndex(minuteOf(p.t));
            if (i < 0 || i >= mx.length) continue;
            mlogs[i] = Math.max(mlogs[i], p.logs || 0);
            mevents[i] = Math.max(mevents[i], p.events || 0);
        }
        redrawMinutes();
    }
    const roll = setInterval(() => { if (mx.length && rollTo(minuteOf(Date.now()))) redrawMinutes(); }, 5000);
    view.cleanup(() => clearInterval(roll));
}

// Incident detail: what happened (severity, status, SLA clock, addresses,
// the rule's recommended response), the timeline with the comment thread
// (internal notes are for analysts only: the server never sends them to
// customers, and the page offers them to analysts only), the linked events
// with their sample logs, status changes and assignment. Reloads live when
// the stream says this incident changed.

import { get, post } from '../api.js';
import { h, replace, select, throttle } from '../dom.js';
import { t, fmtTime, fmtNumber } from '../i18n.js';
import * as stream from '../stream.js';
import { STATUSES, sevBadge, statusBadge, levelBadge, slaClock, errorBox, section, isStaff, ip, toast } from '../common.js';

// Rule titles by id, for analysts (customers may not list rules).
let ruleTitles = null;
async function loadRuleTitles() {
    if (ruleTitles) return ruleTitles;
    try {
        ruleTitles = new Map(((await get('/rules')).rules || []).map((r) => [r.id, r.title]));
    } catch {
        return new Map();
    }
    return ruleTitles;
}

export async function render(view) {
    const id = view.params.id;
    const staff = isStaff(view.me);
    const titles = staff ? await loadRuleTitles() : new Map();
    const ruleText = (rid) => (titles.get(rid) ? [titles.get(rid), ' ', h('code.small.muted', rid)] : rid);
    const root = h('div', { id: 'incident' });
    view.el.append(h('p.back', h('a', { href: '#/incidents' }, '← ' + t('incidents.title'))), root);

    let inc;
    try {
        inc = await get('/incidents/' + encodeURIComponent(id));
    } catch (e) {
        root.append(e.status === 404 ? h('p', t('incident.not_found')) : errorBox(e));
        return;
    }
    if (!view.alive()) return;
    draw(inc);

    function kv(label, value) {
        return [h('dt', label), h('dd', value === '' || value === null || value === undefined ? '—' : value)];
    }

    function draw(inc) {
        document.title = `#${inc.id} ${inc.title} — yamori`;
        const head = h('header.incident-head',
            h('h1', sevBadge(inc.severity), ' ', h('span', { id: 'incident-title' }, inc.title)),
            h('p.muted', `#${inc.id}`, ' · ', statusBadge(inc.status), ' · ', slaClock(inc)));
        const facts = h('dl.facts',
            kv(t('col.tenant'), inc.tenant),
            kv(t('col.status'), t('status.' + inc.status) + (inc.resolution ? ` (${inc.resolution})` : '')),
            kv(t('col.assignee'), inc.assignee),
            kv(t('col.source'), ip(inc, 'source')),
            kv(t('col.destination'), ip(inc, 'destination')),
            kv(t('col.rule'), ruleText(inc.rule_id)),
            kv(t('incident.first_detection'), fmtTime(inc.first_detection)),
            kv(t('col.created'), fmtTime(inc.created)),
            kv(t('col.updated'), fmtTime(inc.updated)),
            kv(t('incident.sla_due'), fmtTime(inc.sla_due)),
            kv(t('incident.notified'), inc.notified ? fmtTime(inc.notified) : t('common.not_yet')));
        const response = inc.response ? section(t('incident.response'), h('p.response', { id: 'incident-response' }, inc.response)) : null;
        replace(root,
            head,
            h('div.grid-2',
                h('div', section(t('incident.facts'), facts), response, actions(inc)),
                h('div', section(t('incident.timeline'), timeline(inc), commentForm(inc)))),
            section(t('incident.events'), events(inc)));
    }

    function timeline(inc) {
        const items = (inc.timeline || []).slice().sort((a, b) => String(a.time).localeCompare(String(b.time)));
        if (!items.length) return h('p.muted', t('incident.no_timeline'));
        return h('ol.timeline', { id: 'timeline' }, items.map((e) => h('li', { class: 'tl-' + (e.kind || 'note') + (e.visibility === 'internal' ? ' tl-internal' : '') },
            h('div.tl-meta',
                h('time', { datetime: e.time }, fmtTime(e.time)), ' · ',
                h('span.tl-kind', t('timeline.' + (e.kind || 'note'))),
                e.actor ? [' · ', h('span.tl-actor', e.actor)] : null,
                e.visibility === 'internal' ? [' ', h('span.badge.internal', t('comment.internal'))] : null),
            h('div.tl-text', e.text || ''))));
    }

    function commentForm(inc) {
        const text = h('textarea', { id: 'comment-text', rows: 3, required: true, maxlength: 8000 });
        const vis = staff
            ? h('fieldset.visibility', h('legend', t('comment.visibility')),
                h('label', h('input', { type: 'radio', name: 'visibility', value: 'customer', checked: true, id: 'vis-customer' }), ' ', t('comment.customer')),
                h('label', h('input', { type: 'radio', name: 'visibility', value: 'internal', id: 'vis-internal' }), ' ', t('comment.internal')))
            : null;
        const button = h('button.primary', { type: 'submit', id: 'comment-submit' }, t('comment.submit'));
        return h('form.comment', { id: 'comment-form', onsubmit: async (e) => {
            e.preventDefault();
            const body = text.value.trim();
            if (!body) return;
            const v = staff ? (e.target.querySelector('input[name=visibility]:checked') || {}).value || 'customer' : 'customer';
            button.disabled = true;
            try {
                await post(`/incidents/${encodeURIComponent(inc.id)}/comments`, { text: body, visibility: v });
                text.value = '';
                toast(t('comment.added'));
                await reload();
            } catch (ex) {
                toast(t('common.error', { msg: ex.message }), 'error');
            } finally {
                button.disabled = false;
            }
        } },
        h('label', { for: 'comment-text' }, staff ? t('comment.label_staff') : t('comment.label_customer')), text, vis, button);
    }

    function actions(inc) {
        const box = [];
        if (staff) {
            const st = select({ id: 'status-select' }, STATUSES.map((s) => [s, t('status.' + s)]), inc.status);
            const resolution = h('input', { id: 'status-resolution', placeholder: t('incident.resolution_hint'), value: inc.resolution || '' });
            box.push(h('form.inline', { id: 'status-form', onsubmit: async (e) => {
                e.preventDefault();
                await act(`/incidents/${encodeURIComponent(inc.id)}/status`, { status: st.value, ...(resolution.value ? { resolution: resolution.value } : {}) });
            } }, h('label', t('incident.set_status'), ' ', st), h('label', t('incident.resolution'), ' ', resolution),
            h('button', { type: 'submit' }, t('common.apply'))));
            const who = h('input', { id: 'assignee', value: inc.assignee || view.me.user, autocomplete: 'off' });
            box.push(h('form.inline', { id: 'assign-form', onsubmit: async (e) => {
                e.preventDefault();
                await act(`/incidents/${encodeURIComponent(inc.id)}/assign`, { assignee: who.value.trim() });
            } }, h('label', t('incident.assign'), ' ', who), h('button', { type: 'submit' }, t('common.apply'))));
        } else if (inc.status === 'new' || inc.status === 'notified') {
            box.push(h('button.primary', { type: 'button', id: 'acknowledge', onclick: () => act(`/incidents/${encodeURIComponent(inc.id)}/status`, { status: 'acknowledged' }) }, t('incident.acknowledge')));
        }
        return box.length ? section(t('incident.actions'), box) : null;
    }

    async function act(path, body) {
        try {
            await post(path, body);
            toast(t('common.saved'));
            await reload();
        } catch (ex) {
            toast(t('common.error', { msg: ex.message }), 'error');
        }
    }

    function events(inc) {
        const list = inc.events || [];
        if (!list.length) return h('p.muted', t('incident.no_events'));
        return h('div.events', list.map((ev) => {
            const samples = h('div.samples');
            const det = h('details.event', { ontoggle: async () => {
                if (!det.open || samples.dataset.loaded) return;
                samples.dataset.loaded = '1';
                samples.append(h('p.loading', t('common.loading')));
                try {
                    const full = await get('/events/' + encodeURIComponent(ev.id));
                    replace(samples,
                        (full.samples || []).length
                            ? h('div', h('h4', t('incident.samples')), (full.samples || []).map((s) => h('figure.sample',
                                h('figcaption', fmtTime(s.time), ' · ', s.device || ''), h('pre.raw', s.raw || ''))))
                            : h('p.muted', t('incident.no_samples')),
                        full.distinct && Object.keys(full.distinct).length
                            ? h('div', h('h4', t('incident.distinct')), h('dl.facts', Object.entries(full.distinct).map(([k, vals]) =>
                                [h('dt', k), h('dd', (vals || []).join(', '))])))
                            : null);
                } catch (e) {
                    replace(samples, errorBox(e));
                }
            } },
            h('summary', levelBadge(ev.level), ' ', h('strong', ev.title || ev.rule_id), ' · ',
                t('incident.event_count', { n: fmtNumber(ev.count || 1) }), ' · ',
                fmtTime(ev.first_seen), ' – ', fmtTime(ev.last_seen)),
            h('dl.facts',
                kv(t('col.device'), ev.device), kv(t('col.source'), ip(ev, 'source')), kv(t('col.destination'), ip(ev, 'destination')),
                kv(t('incident.reason'), ev.reason), kv(t('col.rule'), ruleText(ev.rule_id))),
            samples);
            return det;
        }));
    }

    async function reload() {
        const fresh = await get('/incidents/' + encodeURIComponent(id));
        if (!view.alive()) return;
        const open = [...root.querySelectorAll('details.event')].map((d) => d.open);
        const draft = root.querySelector('#comment-text');
        const keep = draft ? draft.value : '';
        draw(fresh);
        const d2 = root.querySelector('#comment-text');
        if (d2) d2.value = keep;
        [...root.querySelectorAll('details.event')].forEach((d, i) => { if (open[i]) d.open = true; });
    }
    const later = throttle(() => reload().catch(() => {}), 300);
    view.cleanup(stream.on('incident', (x) => { if (String(x.id) === String(id)) later(); }));
}

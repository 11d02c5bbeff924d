// Suppressions (analysts and admins): detections of a rule that match given
// conditions are kept but raise no incident, for a reason and until an
// expiry. Listed, added and removed here.

import { get, post, del } from '../api.js';
import { h, select } from '../dom.js';
import { t, fmtTime, fmtNumber } from '../i18n.js';
import { table, errorBox, toast, section } from '../common.js';

export async function render(view) {
    view.el.append(h('h1', t('suppressions.title')), h('p.muted', t('suppressions.intro')));
    const box = h('div', { id: 'suppressions' });
    let rules = [];
    try {
        rules = (await get('/rules')).rules || [];
    } catch {
        rules = [];
    }
    async function load() {
        const r = await get('/suppressions', { tenant: view.tenant });
        if (!view.alive()) return;
        const cols = [
            { label: t('col.tenant'), cell: (s) => s.tenant || t('header.all_tenants') },
            { label: t('col.rule'), cell: (s) => !s.rule_id ? t('suppressions.any_rule') : (rules.find((x) => x.id === s.rule_id) || {}).title || s.rule_id },
            { label: t('suppressions.conditions'), cell: (s) => h('code.small', s.conditions || '*') },
            { label: t('suppressions.reason'), cell: (s) => h('div', s.reason || '', h('div.muted.small', s.author || '', ' · ', fmtTime(s.created))) },
            { label: t('suppressions.expires'), cell: (s) => s.expires ? fmtTime(s.expires) : t('common.never') },
            { label: t('suppressions.hits'), class: 'num', cell: (s) => fmtNumber(s.hits || 0) },
            { label: t('col.status'), cell: (s) => s.active ? h('span.badge.dev-up', t('suppressions.active')) : h('span.badge.dev-never', t('suppressions.inactive')) },
            { label: '', cell: (s) => s.deleted ? '' : h('button.link.danger', { type: 'button', onclick: async () => {
                if (!confirm(t('suppressions.confirm_delete'))) return;
                try {
                    await del('/suppressions/' + encodeURIComponent(s.id));
                    toast(t('common.deleted'));
                    await load();
                } catch (e) {
                    toast(t('common.error', { msg: e.message }), 'error');
                }
            } }, t('common.delete')) },
        ];
        box.replaceChildren(table(cols, r.suppressions || [], { label: t('suppressions.title'), empty: t('suppressions.none') }));
    }
    const tenant = select({ id: 'sup-tenant', required: true }, view.tenants.map((x) => [x.name, x.display_name || x.name]), view.tenant);
    const rule = select({ id: 'sup-rule' }, [['', t('suppressions.any_rule')], ...rules.map((r) => [r.id, r.title])], '');
    const cond = h('input', { id: 'sup-conditions', placeholder: 'source.ip=10.9.0.0/16 url.original=*wp-login*', spellcheck: 'false' });
    const reason = h('input', { id: 'sup-reason', required: true });
    const expires = h('input', { id: 'sup-expires', type: 'date' });
    const form = h('form.stack', { id: 'sup-form', onsubmit: async (e) => {
        e.preventDefault();
        try {
            await post('/suppressions', { tenant: tenant.value, rule_id: rule.value, conditions: cond.value.trim(), reason: reason.value,
                ...(expires.value ? { expires: new Date(expires.value + 'T23:59:59').toISOString() } : {}) });
            toast(t('common.saved'));
            form.reset();
            await load();
        } catch (ex) {
            toast(t('common.error', { msg: ex.message }), 'error');
        }
    } },
    h('label', t('col.tenant'), tenant), h('label', t('col.rule'), rule),
    h('label', t('suppressions.conditions'), cond, h('span.muted.small', t('suppressions.conditions_hint'))),
    h('label', t('suppressions.reason'), reason), h('label', t('suppressions.expires'), expires),
    h('button.primary', { type: 'submit' }, t('suppressions.add')));
    view.el.append(section(t('suppressions.title'), box), section(t('suppressions.add'), form));
    try {
        await load();
    } catch (e) {
        view.el.append(errorBox(e));
    }
}

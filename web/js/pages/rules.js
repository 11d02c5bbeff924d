// Rules (analysts and admins): the loaded detection rules with their level,
// status and recommended response; filtered as you type.

import { get } from '../api.js';
import { h } from '../dom.js';
import { t, fmtNumber } from '../i18n.js';
import { table, errorBox, levelBadge } from '../common.js';

export async function render(view) {
    view.el.append(h('h1', t('rules.title')));
    let rules = [];
    try {
        rules = (await get('/rules')).rules || [];
    } catch (e) {
        view.el.append(errorBox(e));
        return;
    }
    if (!view.alive()) return;
    const cols = [
        { label: t('col.level'), cell: (r) => levelBadge(r.level) },
        { label: t('col.title'), cell: (r) => h('div', h('strong', r.title), r.description ? h('div.muted.small', r.description) : null) },
        { label: t('col.status'), cell: (r) => r.status || '' },
        { label: t('incident.response'), cell: (r) => r.response || '' },
        { label: t('col.file'), cell: (r) => h('code.small', r.file || r.id) },
    ];
    const box = h('div', { id: 'rules' });
    const count = h('p.muted', { 'aria-live': 'polite' });
    const filter = h('input', { id: 'rules-filter', type: 'search', placeholder: t('rules.filter'), 'aria-label': t('rules.filter'), oninput: () => draw() });
    function draw() {
        const f = filter.value.toLowerCase();
        const shown = rules.filter((r) => !f || [r.title, r.id, r.description, r.file, r.level].some((x) => String(x || '').toLowerCase().includes(f)));
        count.textContent = t('rules.count', { n: fmtNumber(shown.length), total: fmtNumber(rules.length) });
        box.replaceChildren(table(cols, shown, { label: t('rules.title') }));
    }
    view.el.append(h('div.filters', filter), count, box);
    draw();
}

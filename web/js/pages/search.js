// Log search: the query language of `yamori search` (docs/search.md) over
// the archive, newest first, with a time range. Each result shows the raw
// log as received; its parsed fields open below it.

import { get } from '../api.js';
import { h, replace, select } from '../dom.js';
import { t, fmtTime, fmtNumber } from '../i18n.js';
import { errorBox } from '../common.js';

const RANGES = ['-15m', '-1h', '-24h', '-7d', '-30d', ''];

export async function render(view) {
    const q = view.query.get('q') || '';
    const from = view.query.has('from') ? view.query.get('from') : '-24h';
    const limit = view.query.get('limit') || '100';
    const input = h('input.query', { id: 'search-q', type: 'search', value: q, placeholder: t('search.placeholder'), 'aria-label': t('search.query'), spellcheck: 'false', autocomplete: 'off' });
    const range = select({ id: 'search-range', 'aria-label': t('search.range') }, RANGES.map((r) => [r, t('range.' + (r || 'all'))]), from);
    const lim = select({ id: 'search-limit', 'aria-label': t('search.limit') }, [['50', '50'], ['100', '100'], ['500', '500'], ['1000', '1000']], limit);
    const form = h('form.search', { role: 'search', onsubmit: (e) => {
        e.preventDefault();
        const p = new URLSearchParams({ q: input.value, from: range.value, limit: lim.value });
        view.navigate('#/search?' + p.toString());
    } }, input, range, lim, h('button.primary', { type: 'submit', id: 'search-submit' }, t('search.submit')));
    const results = h('div', { id: 'search-results', 'aria-live': 'polite' });
    view.el.append(h('h1', t('search.title')), form,
        h('p.muted.small', t('search.help'), ' ', h('code', 'deny AND source.ip:198.51.100.7'), ', ', h('code', 'event.code:106023'), ', ', h('code', '"Deny tcp" NOT 10.1.1.5')),
        results);
    input.focus();
    if (!view.query.has('q')) return;
    results.append(h('p.loading', t('common.loading')));
    try {
        const r = await get('/search', { q, tenant: view.tenant, from, limit });
        if (!view.alive()) return;
        const logs = r.logs || [];
        replace(results,
            h('p.muted', t('search.count', { n: fmtNumber(logs.length) }),
                r.total_blocks ? ' · ' + t('search.blocks', { s: fmtNumber(r.scanned_blocks), n: fmtNumber(r.total_blocks) }) : ''),
            logs.length ? h('ol.results', logs.map((l) => h('li',
                h('div.meta', h('time', { datetime: l.received || l.time }, fmtTime(l.received || l.time)), ' · ', l.tenant, ' · ', l.device),
                h('pre.raw', l.raw || ''),
                l.fields && Object.keys(l.fields).length
                    ? h('details', h('summary', t('search.fields')), h('pre.fields', JSON.stringify(l.fields, null, 2)))
                    : null))) : h('p', t('search.none')));
    } catch (e) {
        replace(results, errorBox(e));
    }
}

// Account: the viewer's password (a one-time password must be replaced:
// the login sends such users here) and own API tokens (for scripts; shown
// once when made, revocable). Changing the password ends every session of
// the user; the server opens a new one for this page (new CSRF token).

import { get, post, put, del, setCsrf } from '../api.js';
import { h } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { table, errorBox, toast, section } from '../common.js';

export async function render(view) {
    view.el.append(h('h1', t('account.title')),
        h('p', t('account.who', { user: view.me.user, role: t('role.' + view.me.role) }),
            view.me.tenant ? ' · ' + t('col.tenant') + ': ' + view.me.tenant : ''));
    const box = h('div', { id: 'tokens' });
    const shown = h('div', { 'aria-live': 'polite' });
    async function load() {
        const r = await get('/tokens');
        if (!view.alive()) return;
        box.replaceChildren(table([
            { label: t('account.token_name'), cell: (x) => x.name },
            { label: t('col.created'), cell: (x) => fmtTime(x.created) },
            { label: t('account.last_used'), cell: (x) => (x.last_used ? fmtTime(x.last_used) : t('common.never')) },
            { label: '', cell: (x) => h('button.link.danger', { type: 'button', onclick: async () => {
                try {
                    await del('/tokens/' + encodeURIComponent(x.id));
                    toast(t('common.deleted'));
                    await load();
                } catch (e) {
                    toast(t('common.error', { msg: e.message }), 'error');
                }
            } }, t('account.revoke')) },
        ], r.tokens || [], { label: t('account.tokens'), empty: t('account.no_tokens') }));
    }
    const name = h('input', { id: 'token-name', required: true, maxlength: 64 });
    const form = h('form.inline', { onsubmit: async (e) => {
        e.preventDefault();
        try {
            const r = await post('/tokens', { name: name.value });
            shown.replaceChildren(h('p.notice', t('account.token_once'), ' ', h('code.token', r.token)));
            form.reset();
            await load();
        } catch (ex) {
            toast(t('common.error', { msg: ex.message }), 'error');
        }
    } }, h('label', t('account.token_name'), ' ', name), h('button.primary', { type: 'submit' }, t('account.new_token')));
    const cur = h('input', { id: 'pw-current', type: 'password', required: true, autocomplete: 'current-password' });
    const pw1 = h('input', { id: 'pw-new', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
    const pw2 = h('input', { id: 'pw-confirm', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
    const pwForm = h('form.stack', { id: 'password-form', onsubmit: async (e) => {
        e.preventDefault();
        if (pw1.value !== pw2.value) {
            toast(t('account.mismatch'), 'error');
            return;
        }
        try {
            const me = await put('/me', { current_password: cur.value, password: pw1.value });
            if (me && me.csrf) setCsrf(me.csrf);
            view.me.must_change = false;
            pwForm.reset();
            notice.hidden = true;
            toast(t('account.changed'));
        } catch (ex) {
            toast(t('common.error', { msg: ex.message }), 'error');
        }
    } }, h('label', t('account.current'), cur), h('label', t('account.new'), pw1), h('label', t('account.confirm'), pw2),
    h('button.primary', { type: 'submit' }, t('account.save')));
    const notice = h('p.notice', { id: 'must-change', role: 'alert', hidden: !view.me.must_change }, t('account.must_change'));
    view.el.append(notice, section(t('account.password'), pwForm));
    view.el.append(section(t('account.tokens'), h('p.muted.small', t('account.tokens_hint')), form, shown, box));
    try {
        await load();
    } catch (e) {
        view.el.append(errorBox(e));
    }
}

// Login page: user and password to POST /api/v1/login. The server throttles
// failed attempts (429) and says so; the message is shown as it comes.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

export async function render(view) {
    const err = h('p.error', { id: 'login-error', role: 'alert', hidden: true });
    const user = h('input', { id: 'login-user', name: 'user', autocomplete: 'username', required: true, autofocus: true });
    const pass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const button = h('button.primary', { type: 'submit', id: 'login-submit' }, t('login.submit'));
    const form = h('form.login', { novalidate: true, onsubmit: async (e) => {
        e.preventDefault();
        err.hidden = true;
        if (!user.value || !pass.value) {
            err.textContent = t('login.missing');
            err.hidden = false;
            return;
        }
        button.disabled = true;
        try {
            const me = await api('POST', '/login', { user: user.value, password: pass.value });
            await view.loggedIn(me);
        } catch (ex) {
            err.textContent = ex.status === 401 || ex.status === 403 ? t('login.failed')
                : ex.status === 429 ? t('login.throttled') : t('common.error', { msg: ex.message });
            err.hidden = false;
            pass.value = '';
            pass.focus();
        } finally {
            button.disabled = false;
        }
    } },
    h('h1', t('login.title')),
    h('p.muted', t('login.intro')),
    h('label', { for: 'login-user' }, t('login.user')), user,
    h('label', { for: 'login-password' }, t('login.password')), pass,
    err,
    button);
    view.el.append(h('div.login-wrap', form));
    user.focus();
}

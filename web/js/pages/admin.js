// Users and tenants (admins): who may log in, with which role and, for
// customers, which tenant; the tenants the server knows (from the config);
// the latest entries of the audit trail (every change, by whom, from where).

import { get, post, del } from '../api.js';
import { h, select } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { table, errorBox, toast, section } from '../common.js';

export async function render(view) {
    view.el.append(h('h1', t('admin.title')));
    const usersBox = h('div', { id: 'users' });
    const tenantsBox = h('div', { id: 'tenants' });
    async function loadUsers() {
        const r = await get('/users');
        if (!view.alive()) return;
        const cols = [
            { label: t('admin.user'), cell: (u) => u.user || u.name },
            { label: t('admin.role'), cell: (u) => t('role.' + u.role) },
            { label: t('col.tenant'), cell: (u) => u.tenant || '—' },
            { label: '', cell: (u) => (u.user || u.name) === view.me.user ? '' : h('button.link.danger', { type: 'button', onclick: async () => {
                if (!confirm(t('admin.confirm_delete', { user: u.user || u.name }))) return;
                try {
                    await del('/users/' + encodeURIComponent(u.user || u.name));
                    toast(t('common.deleted'));
                    await loadUsers();
                } catch (e) {
                    toast(t('common.error', { msg: e.message }), 'error');
                }
            } }, t('common.delete')) },
        ];
        usersBox.replaceChildren(table(cols, r.users || [], { label: t('admin.users') }));
    }
    const name = h('input', { id: 'new-user', required: true, autocomplete: 'off', pattern: '[A-Za-z0-9._@-]{1,64}' });
    const role = select({ id: 'new-role' }, ['customer', 'analyst', 'admin'].map((r) => [r, t('role.' + r)]), 'customer');
    const tenant = select({ id: 'new-tenant' }, [['', '—'], ...view.tenants.map((x) => [x.name, x.display_name || x.name])], '');
    const pass = h('input', { id: 'new-password', type: 'password', required: true, minlength: 12, autocomplete: 'new-password' });
    const form = h('form.stack', { id: 'user-form', onsubmit: async (e) => {
        e.preventDefault();
        try {
            await post('/users', { user: name.value, role: role.value, tenant: role.value === 'customer' ? tenant.value : '', password: pass.value });
            toast(t('common.saved'));
            form.reset();
            await Promise.all([loadUsers(), loadAudit()]);
        } catch (ex) {
            toast(t('common.error', { msg: ex.message }), 'error');
        }
    } },
    h('label', t('admin.user'), name), h('label', t('admin.role'), role),
    h('label', t('col.tenant'), tenant, h('span.muted.small', t('admin.tenant_hint'))),
    h('label', t('admin.password'), pass, h('span.muted.small', t('admin.password_hint'))),
    h('button.primary', { type: 'submit' }, t('admin.add_user')));
    tenantsBox.append(table([
        { label: t('admin.tenant_name'), cell: (x) => h('code', x.name) },
        { label: t('admin.display_name'), cell: (x) => x.display_name || x.name },
    ], view.tenants, { label: t('admin.tenants') }));
    const auditBox = h('div', { id: 'audit' });
    async function loadAudit() {
        const r = await get('/audit', { tenant: view.tenant, limit: 50 });
        if (!view.alive()) return;
        auditBox.replaceChildren(table([
            { label: t('col.time'), cell: (e) => fmtTime(e.time) },
            { label: t('admin.actor'), cell: (e) => [e.actor, ' ', h('span.muted.small', e.role ? t('role.' + e.role) : '')] },
            { label: t('admin.action'), cell: (e) => h('code.small', e.action) },
            { label: t('admin.object'), cell: (e) => e.object || '' },
            { label: t('admin.detail'), cell: (e) => e.detail || '' },
            { label: t('col.tenant'), cell: (e) => e.tenant || '—' },
            { label: t('admin.address'), cell: (e) => e.address || '' },
        ], r.audit || [], { label: t('admin.audit') }));
    }
    view.el.append(h('div.grid-2',
        section(t('admin.users'), usersBox),
        section(t('admin.add_user'), form)),
    section(t('admin.tenants'), h('p.muted.small', t('admin.tenants_hint')), tenantsBox),
    section(t('admin.audit'), auditBox));
    try {
        await Promise.all([loadUsers(), loadAudit()]);
    } catch (e) {
        view.el.append(errorBox(e));
    }
}

// main: the portal's shell. Restores the session (GET /api/v1/me), draws the
// header (navigation by role, tenant filter for analysts, live-stream state,
// language, logout) and routes on the URL fragment (#/incidents/42) to the
// page modules in js/pages/. Each page gets a view: its element, the route
// parameters, the viewer (me), the tenant filter and a cleanup list that
// runs when the viewer leaves the page (stream subscriptions, timers).

import { api, get, put, setCsrf, setUnauthorizedHandler } from './api.js';
import { h, replace, select } from './dom.js';
import { t, setLang, storedLang, currentLang, timeZoneName, LANGS } from './i18n.js';
import * as stream from './stream.js';
import { isStaff, toast } from './common.js';

const routes = [
    { re: /^\/?$/, page: 'dashboard' },
    { re: /^\/dashboard$/, page: 'dashboard' },
    { re: /^\/incidents$/, page: 'incidents' },
    { re: /^\/incidents\/([^/]+)$/, page: 'incident', keys: ['id'] },
    { re: /^\/devices$/, page: 'devices' },
    { re: /^\/search$/, page: 'search' },
    { re: /^\/rules$/, page: 'rules', staff: true },
    { re: /^\/suppressions$/, page: 'suppressions', staff: true },
    { re: /^\/admin$/, page: 'admin', admin: true },
    { re: /^\/account$/, page: 'account' },
    { re: /^\/login$/, page: 'login', public: true },
];

const nav = [
    ['#/', 'nav.dashboard', 'dashboard'],
    ['#/incidents', 'nav.incidents', 'incidents'],
    ['#/devices', 'nav.devices', 'devices'],
    ['#/search', 'nav.search', 'search'],
    ['#/rules', 'nav.rules', 'rules', 'staff'],
    ['#/suppressions', 'nav.suppressions', 'suppressions', 'staff'],
    ['#/admin', 'nav.admin', 'admin', 'admin'],
];

const app = {
    me: null,
    tenants: [],
    tenant: '',
    view: null,
    seq: 0,
};

const TENANT_KEY = 'yamori.tenant';

function parseHash() {
    const raw = location.hash.replace(/^#/, '') || '/';
    const [path, qs] = raw.split('?');
    return { path, query: new URLSearchParams(qs || '') };
}

export function navigate(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
}

async function loadSession() {
    try {
        app.me = await get('/me');
        setCsrf(app.me.csrf);
    } catch (e) {
        if (e.status !== 401) throw e;
        app.me = null;
    }
}

async function loadTenants() {
    app.tenants = [];
    if (!app.me) return;
    try {
        app.tenants = (await get('/tenants')).tenants || [];
    } catch {
        app.tenants = [];
    }
    if (isStaff(app.me)) {
        const saved = localStorage.getItem(TENANT_KEY) || '';
        app.tenant = app.tenants.some((x) => x.name === saved) ? saved : '';
    } else {
        app.tenant = app.me.tenant || '';
    }
}

// Called by the login page once the server accepted the password.
export async function loggedIn(me) {
    app.me = me;
    setCsrf(me.csrf);
    if (me.lang && LANGS.includes(me.lang) && me.lang !== currentLang()) await setLang(me.lang);
    else if (!me.lang || me.lang !== currentLang()) put('/me', { lang: currentLang() }).catch(() => {});
    await loadTenants();
    stream.connect();
    drawHeader();
    navigate(me.must_change ? '#/account' : '#/');
}

async function logout() {
    try {
        await api('POST', '/logout', {});
    } catch {
        /* the session is gone either way */
    }
    app.me = null;
    setCsrf('');
    stream.disconnect();
    drawHeader();
    navigate('#/login');
}

async function changeLang(l) {
    await setLang(l);
    if (app.me) {
        try {
            await put('/me', { lang: l });
        } catch (e) {
            toast(t('common.error', { msg: e.message }), 'error');
        }
    }
    drawHeader();
    drawFooter();
    route();
}

function langSelect() {
    return h('label.lang', h('span.sr-only', t('header.language')),
        select({ id: 'lang-select', onchange: (e) => changeLang(e.target.value) },
            [['en', 'English'], ['ja', '日本語']], currentLang()));
}

// The header is redrawn on every route: one stream-state listener updates
// whichever badge is current.
let streamState = 'closed';
function showStreamState(el, s) {
    el.className = 'live live-' + s;
    el.textContent = t('stream.' + s);
}
stream.onState((s) => {
    // refused stream: if the session has expired, /me answers 401 and the
    // viewer goes to the login page (setUnauthorizedHandler)
    if (s === 'closed' && streamState !== 'closed' && app.me) get('/me').catch(() => {});
    streamState = s;
    const el = document.getElementById('live-state');
    if (el) showStreamState(el, s);
});

function drawHeader() {
    const top = document.getElementById('top');
    const me = app.me;
    const { path } = parseHash();
    const current = (routes.find((r) => r.re.test(path)) || {}).page;
    const brand = h('a.brand', { href: '#/' }, h('img', { src: '/app/favicon.svg', alt: '', width: 22, height: 22 }), 'yamori');
    if (!me) {
        replace(top, brand, h('div.spacer'), langSelect());
        top.hidden = false;
        return;
    }
    const links = nav
        .filter(([, , , need]) => !need || (need === 'staff' ? isStaff(me) : me.role === 'admin'))
        .map(([href, key, page]) => h('a', { href, 'aria-current': page === current || (page === 'incidents' && current === 'incident') ? 'page' : null }, t(key)));
    const live = h('span.live', { id: 'live-state', role: 'status' });
    showStreamState(live, streamState);
    let tenantPicker = null;
    if (isStaff(me)) {
        tenantPicker = h('label.tenant', h('span.sr-only', t('header.tenant')),
            select({ id: 'tenant-select', onchange: (e) => {
                app.tenant = e.target.value;
                localStorage.setItem(TENANT_KEY, app.tenant);
                route();
            } }, [['', t('header.all_tenants')], ...app.tenants.map((x) => [x.name, x.display_name || x.name])], app.tenant));
    } else {
        tenantPicker = h('span.tenant-name', (app.tenants[0] && app.tenants[0].display_name) || me.tenant || '');
    }
    replace(top,
        brand,
        h('nav.main-nav', { 'aria-label': t('nav.label') }, links),
        h('div.spacer'),
        tenantPicker,
        live,
        h('a.who', { href: '#/account', title: t('nav.account') }, me.user, ' ', h('span.role', t('role.' + me.role))),
        langSelect(),
        h('button.link', { type: 'button', id: 'logout', onclick: logout }, t('header.logout')));
    top.hidden = false;
}

function drawFooter() {
    replace(document.getElementById('foot'), t('footer.zone', { zone: timeZoneName() }));
}

async function route() {
    const seq = ++app.seq;
    if (app.view) {
        for (const fn of app.view.cleanups) {
            try {
                fn();
            } catch (e) {
                console.error(e);
            }
        }
    }
    const { path, query } = parseHash();
    let r = routes.find((x) => x.re.test(path));
    const main = document.getElementById('main');
    if (!app.me && (!r || !r.public)) {
        if (path !== '/login') {
            location.hash = '#/login';
            return;
        }
        r = routes.find((x) => x.page === 'login');
    }
    if (app.me && r && r.page === 'login') {
        location.hash = '#/';
        return;
    }
    drawHeader();
    const params = {};
    if (r && r.keys) {
        const m = path.match(r.re);
        r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
    }
    const view = {
        el: h('div.page'),
        params,
        query,
        me: app.me,
        tenant: app.tenant,
        tenants: app.tenants,
        cleanups: [],
        alive: () => seq === app.seq,
        cleanup(fn) {
            this.cleanups.push(fn);
        },
        navigate,
        loggedIn,
    };
    app.view = view;
    replace(main, view.el);
    main.setAttribute('aria-busy', 'true');
    if (!r || (r.staff && !isStaff(app.me)) || (r.admin && app.me.role !== 'admin')) {
        view.el.append(h('h1', t('notfound.title')), h('p', t('notfound.text')), h('p', h('a', { href: '#/' }, t('nav.dashboard'))));
        document.title = t('notfound.title') + ' — yamori';
        main.setAttribute('aria-busy', 'false');
        return;
    }
    document.title = t('page.' + r.page) + ' — yamori';
    try {
        const mod = await import(`./pages/${r.page}.js`);
        if (!view.alive()) return;
        await mod.render(view);
    } catch (e) {
        if (!view.alive()) return;
        console.error(e);
        view.el.append(h('p.error', { role: 'alert' }, t('common.error', { msg: e.message })));
    }
    if (view.alive()) {
        main.setAttribute('aria-busy', 'false');
        document.body.dataset.page = r.page;
    }
}

async function start() {
    await setLang(storedLang());
    document.getElementById('skip-link').textContent = t('header.skip');
    document.getElementById('skip-link').addEventListener('click', (e) => {
        e.preventDefault();
        document.getElementById('main').focus();
    });
    setUnauthorizedHandler(() => {
        if (!app.me) return;
        app.me = null;
        stream.disconnect();
        toast(t('login.expired'), 'error');
        navigate('#/login');
    });
    await loadSession();
    if (app.me) {
        if (app.me.lang && LANGS.includes(app.me.lang) && app.me.lang !== currentLang()) await setLang(app.me.lang);
        await loadTenants();
        stream.connect();
    }
    drawFooter();
    window.addEventListener('hashchange', route);
    await route();
}

start().catch((e) => {
    console.error(e);
    replace(document.getElementById('main'), h('p.error', { role: 'alert' }, 'yamori: ' + e.message));
});

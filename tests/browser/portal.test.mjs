// Browser test of the portal with a REAL Chromium (Debian's chromium, driven
// by playwright-core) against a REAL `yamori serve` started by
// tests/integration/test_browser.sh, which passes everything in the
// environment:
//   YM_URL            https://127.0.0.1:PORT/ (self-signed certificate)
//   YM_SYSLOG_PORT    the server's syslog TCP port on 127.0.0.1
//   YM_ANALYST, YM_CUSTOMER, YM_ADMIN   "user:password"
//   YM_SHOTS          directory for the screenshots of every page
//   CHROMIUM          browser binary (default /usr/bin/chromium)
// Steps: log in, see the dashboard, watch an incident appear live after
// attack logs are sent over TCP syslog, comment as analyst (one comment for
// the customer, one internal note), see the comment and not the note as the
// customer of that tenant (and no other tenant's incident), acknowledge,
// switch to Japanese (kept across a reload), visit every page. Any page
// error, any CSP violation fails the test. Prints "N passed, N failed".
import net from 'node:net';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const env = (k) => {
    const v = process.env[k];
    if (!v) throw new Error(`${k} is not set (run tests/integration/test_browser.sh)`);
    return v;
};
const URL_BASE = env('YM_URL');
const SYSLOG_PORT = Number(env('YM_SYSLOG_PORT'));
const [ANALYST, ANALYST_PW] = env('YM_ANALYST').split(':');
const [CUSTOMER, CUSTOMER_PW] = env('YM_CUSTOMER').split(':');
const [ADMIN, ADMIN_PW] = env('YM_ADMIN').split(':');
const SHOTS = env('YM_SHOTS');
mkdirSync(SHOTS, { recursive: true });

const WAIT_MS = 90_000; // upper bound for the pipeline to turn logs into an incident
let passed = 0, failed = 0;
const problems = []; // page errors and CSP violations, from every page

function log(msg) {
    console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

async function step(name, fn) {
    try {
        await fn();
        passed++;
        log(`ok   ${name}`);
    } catch (e) {
        failed++;
        log(`FAIL ${name}: ${e.message.split('\n')[0]}`);
        throw e;
    }
}

function expect(cond, msg) {
    if (!cond) throw new Error(msg);
}

// ---- syslog ----

function two(n) { return String(n).padStart(2, '0'); }
function bsd(d) {
    const m = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
    return `${m} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}
function panTime(d) {
    return `${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}
// A PAN-OS THREAT log of critical severity the firewall let through: fires
// the shipped rule "PAN-OS threat of critical severity".
function panThreat(host, src, dst) {
    const d = new Date(), t = panTime(d);
    return `<14>${bsd(d)} ${host} 1,${t},013201004321,THREAT,vulnerability,2816,${t},${src},${dst},,,dmz-web,,,web-browsing,vsys1,untrust,dmz,ethernet1/1,ethernet1/3,forward-all,,48213,1,41234,80,0,0,0x400053,tcp,alert,cgi-bin/login.cgi,Apache Struts Remote Code Execution Vulnerability(33000),any,critical,client-to-server,7420001,0x2000000000000000,United States,10.0.0.0-10.255.255.255,,,,,,,,,,,,,,,,,,,,${host},,,,post,,,,,N/A,code-execution,AppThreat-8800-7000,,,,,,11111111-2222-4333-8444-555555555555,,,`;
}
function benign(host, i) {
    const d = new Date(), t = panTime(d);
    return `<14>${bsd(d)} ${host} 1,${t},013201004321,TRAFFIC,end,2816,${t},10.1.20.${10 + (i % 200)},192.0.2.20,203.0.113.5,192.0.2.20,allow-web,corp\\alice,,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,forward-all,,48213,1,51514,443,40213,443,0x400053,tcp,allow,15873,2317,13556,42,${t},30,business-and-economy,,7410001,0x0,10.0.0.0-10.255.255.255,United States,,19,23,tcp-fin,,,,,,${host},from-policy,,,,,,,N/A,,,,,9a1c2d3e-0000-4a4a-9b9b-123456789abc,,,,,,,,,,,,,,`;
}
function sendSyslog(lines) {
    return new Promise((resolve, reject) => {
        const s = net.connect({ host: '127.0.0.1', port: SYSLOG_PORT }, () => {
            s.end(lines.join('\n') + '\n', resolve);
        });
        s.on('error', reject);
    });
}

// ---- browser ----

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
});

async function newPage(who, opts = {}) {
    const ctx = await browser.newContext({
        ignoreHTTPSErrors: true, // the server's own self-signed certificate
        viewport: { width: 1360, height: 900 },
        timezoneId: opts.timezoneId || 'Asia/Tokyo',
        locale: opts.locale || 'en-GB',
    });
    const page = await ctx.newPage();
    // generous: make test runs this beside other tests on a busy machine
    page.setDefaultTimeout(45_000);
    page.on('pageerror', (e) => problems.push(`${who}: page error: ${e.message}`));
    page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text()))
            problems.push(`${who}: ${m.text()}`);
    });
    return page;
}

// Every page shown gets a screenshot and a small accessibility audit: a
// heading, every form control labelled, images with alt text, buttons
// with a name.
async function shot(page, name) {
    await page.waitForFunction(() => document.getElementById('main').getAttribute('aria-busy') === 'false');
    await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
    const bad = await page.evaluate(() => {
        const out = [];
        if (!document.querySelector('main h1')) out.push('no h1');
        for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
            if (el.closest('[hidden]')) continue;
            const named = (el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
            if (!named) out.push(`unlabelled ${el.tagName.toLowerCase()}#${el.id || '?'}`);
        }
        for (const img of document.querySelectorAll('img:not([alt])')) out.push(`img without alt: ${img.src}`);
        for (const b of document.querySelectorAll('button')) if (!b.textContent.trim() && !b.getAttribute('aria-label')) out.push('button without a name');
        return out;
    });
    for (const b of bad) problems.push(`${name}: ${b}`);
}

async function goto(page, hash, pageName) {
    await page.evaluate((h) => { location.hash = h; }, hash);
    await page.waitForSelector(`body[data-page="${pageName}"]`, { timeout: 30_000 });
    await page.waitForFunction(() => document.getElementById('main').getAttribute('aria-busy') === 'false');
}

async function login(page, user, password, landing = 'dashboard') {
    await page.goto(URL_BASE);
    await page.waitForSelector('#login-user');
    await page.fill('#login-user', user);
    await page.fill('#login-password', password);
    await page.click('#login-submit');
    await page.waitForSelector(`body[data-page="${landing}"]`, { timeout: 30_000 });
}

let incidentId = null;
const TITLE = 'PAN-OS threat of critical severity';
const COMMENT = 'We blocked 203.0.113.45 at the edge; please confirm the web server is patched.';
const NOTE = 'INTERNAL: customer patches slowly, escalate to L2 if no answer in 1 h.';

try {
    const analyst = await newPage('analyst');

    await step('login page renders and refuses a wrong password', async () => {
        await analyst.goto(URL_BASE);
        await analyst.waitForSelector('#login-user');
        await shot(analyst, '01-login');
        await analyst.fill('#login-user', ANALYST);
        await analyst.fill('#login-password', 'not-the-password');
        await analyst.click('#login-submit');
        await analyst.waitForSelector('#login-error:not([hidden])');
    });

    await step('analyst logs in and sees the dashboard', async () => {
        await login(analyst, ANALYST, ANALYST_PW);
        await analyst.waitForSelector('#summary-cards .stat');
        await analyst.waitForSelector('.chart .uplot', { timeout: 30_000 });
        expect((await analyst.locator('.chart .uplot').count()) === 2, 'two uPlot charts expected');
        await analyst.waitForSelector('#device-status tr');
        const devs = await analyst.locator('#device-status').innerText();
        expect(devs.includes('acme-pa'), `device acme-pa not in device status: ${devs}`);
        await analyst.waitForSelector('#live-state.live-open', { timeout: 30_000 });
        await shot(analyst, '02-dashboard-analyst');
    });

    await step('an incident appears live on the open dashboard after attack logs are sent', async () => {
        const logsBefore = await analyst.locator('#logs-24h').innerText();
        const chartLogsBefore = Number(await analyst.locator('#minute-chart').getAttribute('data-logs'));
        const before = await analyst.locator('#open-incidents').innerText();
        expect(!before.includes(TITLE), 'the incident is there before the logs were sent');
        await analyst.evaluate(() => { window.__sameDocument = true; });
        const lines = [];
        for (let i = 0; i < 20; i++) lines.push(benign('acme-pa', i));
        lines.push(panThreat('acme-pa', '203.0.113.45', '10.1.5.20'));
        lines.push(panThreat('globex-pa', '198.51.100.99', '10.9.9.9'));
        await sendSyslog(lines);
        const row = analyst.locator('#open-incidents tr', { hasText: TITLE }).filter({ hasText: 'acme' });
        await row.first().waitFor({ timeout: WAIT_MS });
        expect(await analyst.evaluate(() => window.__sameDocument === true), 'the page was reloaded');
        const href = await row.first().locator('a').first().getAttribute('href');
        incidentId = decodeURIComponent(href.split('/').pop());
        expect(incidentId, 'no incident id in the row link');
        await analyst.locator('#recent-detections tr', { hasText: TITLE }).first().waitFor({ timeout: 30_000 });
        // the stream's per-minute counters move the minute chart (loaded
        // once, before the logs were sent) and the totals; logs sent just
        // before a minute ends reach the chart when that minute is settled
        await analyst.waitForFunction((b) => Number(document.getElementById('minute-chart').dataset.logs) >= b + 22,
            chartLogsBefore, { timeout: 90_000 });
        await analyst.waitForFunction((b) => document.getElementById('logs-24h').textContent !== b, logsBefore, { timeout: 30_000 });
        await analyst.locator('#device-status tr', { hasText: 'acme-pa' }).locator('.dev-up').waitFor({ timeout: 30_000 });
        await analyst.click('.zoom button[data-h="1"]');
        await shot(analyst, '03-dashboard-live-incident');
    });

    await step('analyst opens the incident, comments for the customer and adds an internal note', async () => {
        await goto(analyst, `#/incidents/${encodeURIComponent(incidentId)}`, 'incident');
        const title = await analyst.locator('#incident-title').innerText();
        expect(title.includes(TITLE), `title: ${title}`);
        expect(await analyst.locator('#incident-response').count() === 1, 'no recommended response shown');
        await analyst.fill('#comment-text', COMMENT);
        await analyst.check('#vis-customer');
        await analyst.click('#comment-submit');
        await analyst.locator('#timeline li', { hasText: COMMENT }).waitFor({ timeout: 30_000 });
        await analyst.fill('#comment-text', NOTE);
        await analyst.check('#vis-internal');
        await analyst.click('#comment-submit');
        await analyst.locator('#timeline li.tl-internal', { hasText: NOTE }).waitFor({ timeout: 30_000 });
        await analyst.locator('details.event summary').first().click();
        await analyst.locator('.samples pre.raw').first().waitFor({ timeout: 30_000 });
        const raw = await analyst.locator('.samples pre.raw').first().innerText();
        expect(raw.includes('THREAT'), `sample log: ${raw.slice(0, 80)}`);
        await shot(analyst, '04-incident-analyst');
    });

    await step('analyst pages: incidents, devices, search, rules, suppressions', async () => {
        await goto(analyst, '#/incidents?status=open', 'incidents');
        await analyst.locator('#incident-rows tr', { hasText: TITLE }).first().waitFor();
        await shot(analyst, '05-incidents');
        await goto(analyst, '#/devices', 'devices');
        await analyst.locator('#devices tr', { hasText: 'acme-pa' }).waitFor();
        await shot(analyst, '06-devices');
        await goto(analyst, '#/search?q=' + encodeURIComponent('THREAT AND 203.0.113.45') + '&from=-1h&limit=100', 'search');
        await analyst.locator('#search-results pre.raw', { hasText: '203.0.113.45' }).first().waitFor({ timeout: 30_000 });
        await shot(analyst, '07-search');
        await goto(analyst, '#/rules', 'rules');
        await analyst.locator('#rules tr', { hasText: TITLE }).first().waitFor();
        await shot(analyst, '08-rules');
        await goto(analyst, '#/suppressions', 'suppressions');
        await analyst.selectOption('#sup-tenant', 'globex');
        await analyst.fill('#sup-conditions', 'source.ip=10.9.0.0/16');
        await analyst.fill('#sup-reason', 'vulnerability scanner of the customer');
        await analyst.click('#sup-form button[type=submit]');
        await analyst.locator('#suppressions tr', { hasText: 'vulnerability scanner of the customer' }).waitFor({ timeout: 30_000 });
        await shot(analyst, '09-suppressions');
        await goto(analyst, '#/account', 'account');
        await shot(analyst, '10-account');
    });

    await step('admin with a one-time password is sent to change it, then sees users and tenants', async () => {
        const admin = await newPage('admin');
        await login(admin, ADMIN, ADMIN_PW, 'account');
        await admin.locator('#must-change:not([hidden])').waitFor();
        await shot(admin, '11-account-must-change');
        const newPw = 'admin-chose-this-1';
        await admin.fill('#pw-current', ADMIN_PW);
        await admin.fill('#pw-new', newPw);
        await admin.fill('#pw-confirm', newPw);
        await admin.click('#password-form button[type=submit]');
        await admin.locator('#must-change[hidden]').waitFor({ state: 'attached', timeout: 30_000 });
        // the new session's CSRF token works for the next change
        await goto(admin, '#/admin', 'admin');
        await admin.locator('#users tr', { hasText: CUSTOMER }).waitFor();
        await admin.locator('#tenants tr', { hasText: 'globex' }).waitFor();
        await admin.fill('#new-user', 'gina');
        await admin.selectOption('#new-role', 'customer');
        await admin.selectOption('#new-tenant', 'globex');
        await admin.fill('#new-password', 'globex-password-1');
        await admin.click('#user-form button[type=submit]');
        await admin.locator('#users tr', { hasText: 'gina' }).waitFor({ timeout: 30_000 });
        await admin.locator('#audit tr', { hasText: 'user.add' }).first().waitFor({ timeout: 30_000 });
        await shot(admin, '12-admin');
        await admin.context().close();
    });

    const customer = await newPage('customer', { timezoneId: 'America/New_York', locale: 'en-US' });
    await step('customer sees the comment but not the internal note, and only its tenant', async () => {
        await login(customer, CUSTOMER, CUSTOMER_PW);
        await customer.waitForSelector('#summary-cards .stat');
        expect(await customer.locator('#tenant-select').count() === 0, 'a customer must not get the tenant picker');
        expect(await customer.locator('a[href="#/rules"]').count() === 0, 'a customer must not get the rules page');
        await shot(customer, '13-dashboard-customer');
        await goto(customer, `#/incidents/${encodeURIComponent(incidentId)}`, 'incident');
        await customer.locator('#timeline li', { hasText: COMMENT }).waitFor();
        const tl = await customer.locator('#timeline').innerText();
        expect(!tl.includes(NOTE), 'the customer sees the internal note');
        expect(await customer.locator('#vis-internal').count() === 0, 'a customer must not be offered internal notes');
        await shot(customer, '14-incident-customer');
        await goto(customer, '#/incidents', 'incidents');
        const list = await customer.locator('#incident-rows').innerText();
        expect(list.includes(TITLE), 'own incident missing from the list');
        expect(!list.includes('198.51.100.99') && !list.includes('10.9.9.9'), 'another tenant\'s incident is listed');
    });

    await step('customer replies and acknowledges; the analyst sees the reply', async () => {
        await goto(customer, `#/incidents/${encodeURIComponent(incidentId)}`, 'incident');
        await customer.fill('#comment-text', 'Thanks, patching now.');
        await customer.click('#comment-submit');
        await customer.locator('#timeline li', { hasText: 'Thanks, patching now.' }).waitFor();
        if (await customer.locator('#acknowledge').count()) {
            await customer.click('#acknowledge');
            await customer.locator('.incident-head .st-acknowledged').waitFor({ timeout: 30_000 });
        }
        await goto(analyst, `#/incidents/${encodeURIComponent(incidentId)}`, 'incident');
        await analyst.locator('#timeline li', { hasText: 'Thanks, patching now.' }).waitFor();
    });

    await step('switching to Japanese translates the pages and is kept after a reload', async () => {
        await customer.selectOption('#lang-select', 'ja');
        await customer.waitForFunction(() => document.documentElement.lang === 'ja');
        await customer.locator('nav.main-nav a', { hasText: 'ダッシュボード' }).waitFor();
        await customer.locator('#timeline li', { hasText: COMMENT }).waitFor();
        await shot(customer, '15-incident-customer-ja');
        await customer.reload();
        await customer.waitForSelector('body[data-page="incident"]');
        expect(await customer.evaluate(() => document.documentElement.lang) === 'ja', 'Japanese lost after reload');
        await goto(customer, '#/', 'dashboard');
        await customer.locator('h1', { hasText: 'ダッシュボード' }).waitFor();
        await shot(customer, '16-dashboard-customer-ja');
        await goto(customer, '#/devices', 'devices');
        await shot(customer, '17-devices-ja');
        await goto(customer, '#/search?q=THREAT&from=-1h', 'search');
        await customer.locator('#search-results pre.raw', { hasText: 'acme-pa' }).first().waitFor({ timeout: 30_000 });
        const found = await customer.locator('#search-results').innerText();
        expect(!found.includes('globex-pa'), 'the customer\'s search shows another tenant\'s log');
        await shot(customer, '18-search-ja');
    });

    await step('the language choice is saved on the server (a new browser gets Japanese)', async () => {
        const fresh = await newPage('customer-2');
        await login(fresh, CUSTOMER, CUSTOMER_PW);
        await fresh.waitForFunction(() => document.documentElement.lang === 'ja');
        await fresh.context().close();
    });

    await step('log out ends the session: the pages go back to the login', async () => {
        await analyst.click('#logout');
        await analyst.waitForSelector('body[data-page="login"]');
        await analyst.evaluate(() => { location.hash = '#/incidents'; });
        await analyst.waitForSelector('#login-user');
        const status = await analyst.evaluate(async () => (await fetch('/api/v1/me')).status);
        expect(status === 401, `GET /me after logout: ${status}`);
        await customer.click('#logout');
        await customer.locator('form.login h1', { hasText: 'ログイン' }).waitFor(); // the language stays
        await shot(customer, '19-login-ja');
    });

    await step('no page error, no CSP violation, no accessibility problem on any page', async () => {
        expect(problems.length === 0, problems.join(' | '));
    });
} catch {
    // the failing step said why
} finally {
    await browser.close();
    console.log(`browser: screenshots in ${SHOTS}`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
}

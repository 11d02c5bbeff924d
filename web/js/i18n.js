// i18n: every string the pages show comes from web/i18n/<lang>.json
// (English and Japanese). Times are shown in the viewer's own time zone
// (Intl.DateTimeFormat with no timeZone), numbers with the viewer's
// grouping. The language is remembered in localStorage and, once logged
// in, on the server (PUT /api/v1/me).

export const LANGS = ['en', 'ja'];
const STORE_KEY = 'yamori.lang';

let lang = 'en';
let dict = {};
let fallback = {};
let fmtCache = new Map();

async function fetchDict(l) {
    const r = await fetch(`/app/i18n/${l}.json`, { credentials: 'same-origin' });
    if (!r.ok) throw new Error(`i18n/${l}.json: ${r.status}`);
    return r.json();
}

export function storedLang() {
    const s = localStorage.getItem(STORE_KEY);
    if (LANGS.includes(s)) return s;
    return (navigator.language || '').toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export async function setLang(l) {
    if (!LANGS.includes(l)) l = 'en';
    if (!Object.keys(fallback).length) fallback = await fetchDict('en');
    dict = l === 'en' ? fallback : await fetchDict(l);
    lang = l;
    fmtCache = new Map();
    localStorage.setItem(STORE_KEY, l);
    document.documentElement.lang = l;
}

export function currentLang() {
    return lang;
}

// t('incidents.count', {n: 3}) -> dictionary text with {n} filled in.
// A missing key shows the key itself, so gaps are visible, not silent.
export function t(key, vars) {
    let s = dict[key] ?? fallback[key] ?? key;
    if (vars)
        s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
    return s;
}

// The locale for dates and numbers: Japanese, or the browser's own English
// (en-US, en-GB, ...) so that dates read the way the viewer is used to.
export function locale() {
    if (lang === 'ja') return 'ja-JP';
    const nav = navigator.language || '';
    return nav.toLowerCase().startsWith('en') ? nav : 'en-GB';
}

function fmt(kind, opts) {
    let f = fmtCache.get(kind);
    if (!f) {
        f = new Intl.DateTimeFormat(locale(), opts);
        fmtCache.set(kind, f);
    }
    return f;
}

function toDate(v) {
    if (v === null || v === undefined || v === '') return null;
    const d = v instanceof Date ? v : new Date(typeof v === 'number' ? v : String(v));
    return isNaN(d.getTime()) ? null : d;
}

// 2026-11-22T06:45:00Z -> "22 Nov 2026, 15:45:00" (viewer's zone)
export function fmtTime(v) {
    const d = toDate(v);
    if (!d) return '—';
    return fmt('time', {
        year: 'numeric', month: 'short', day: 'numeric',
        hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
    }).format(d);
}

export function fmtShortTime(v) {
    const d = toDate(v);
    if (!d) return '—';
    return fmt('short', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
}

export function fmtDay(v) {
    const d = toDate(v);
    if (!d) return '—';
    return fmt('day', { year: 'numeric', month: 'short', day: 'numeric' }).format(d);
}

export function fmtNumber(n) {
    if (n === null || n === undefined || n === '') return '—';
    return new Intl.NumberFormat(locale()).format(n);
}

export function timeZoneName() {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

// 3725 s -> "1h 02m" / "1時間02分"; used by SLA clocks and "ago" texts.
export function fmtDuration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const d = Math.floor(s / 86400), hh = Math.floor((s % 86400) / 3600);
    const mm = Math.floor((s % 3600) / 60), ss = s % 60;
    const p = (n) => String(n).padStart(2, '0');
    if (d > 0) return t('dur.dh', { d, h: hh });
    if (hh > 0) return t('dur.hm', { h: hh, m: p(mm) });
    return t('dur.ms', { m: mm, s: p(ss) });
}

export function fmtAgo(v) {
    const d = toDate(v);
    if (!d) return t('common.never');
    const s = (Date.now() - d.getTime()) / 1000;
    return s < 5 ? t('common.just_now') : t('common.ago', { d: fmtDuration(s) });
}

// api: the JSON API under /api/v1. Every POST/PUT/DELETE carries the
// session's CSRF token (X-CSRF-Token); errors become ApiError with the
// server's message and HTTP status. A 401 anywhere sends the viewer to the
// login page (session expired).

let csrf = '';
let onUnauthorized = null;

export class ApiError extends Error {
    constructor(message, status) {
        super(message);
        this.status = status;
    }
}

export function setCsrf(token) {
    csrf = token || '';
}

export function setUnauthorizedHandler(fn) {
    onUnauthorized = fn;
}

// {a: 1, b: '', c: null} -> '?a=1' (empty values left out)
export function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {}))
        if (v !== undefined && v !== null && v !== '') q.set(k, v);
    const s = q.toString();
    return s ? '?' + s : '';
}

export async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    const opts = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        opts.body = JSON.stringify(body);
    }
    if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrf;
    let r;
    try {
        r = await fetch('/api/v1' + path, opts);
    } catch (e) {
        throw new ApiError(e.message || 'network error', 0);
    }
    let data = null;
    const text = await r.text();
    if (text) {
        try {
            data = JSON.parse(text);
        } catch {
            data = null;
        }
    }
    if (!r.ok) {
        const msg = (data && data.error) || `${r.status} ${r.statusText}`;
        if (r.status === 401 && onUnauthorized && path !== '/login') onUnauthorized();
        throw new ApiError(msg, r.status);
    }
    return data || {};
}

export const get = (path, params) => api('GET', path + query(params));
export const post = (path, body) => api('POST', path, body ?? {});
export const put = (path, body) => api('PUT', path, body ?? {});
export const del = (path) => api('DELETE', path);

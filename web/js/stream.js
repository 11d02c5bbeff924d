// stream: one EventSource on /api/v1/stream for the whole page. Pages
// subscribe to "incident", "detection" and "counters" while they are shown
// (on() returns the unsubscribe function). The browser reconnects by
// itself after a network error; when the server refused the stream (a
// restart, an expired session) the browser gives up, so we start again
// after RETRY_MS. The connection state is shown in the header (onState).

const listeners = new Map(); // type -> Set(fn)
const stateListeners = new Set();
const TYPES = ['incident', 'detection', 'counters'];
let source = null;
let state = 'closed';
let wanted = false;
let retryTimer = null;
const RETRY_MS = 5000;

function setState(s) {
    state = s;
    for (const fn of stateListeners) fn(s);
}

function dispatch(type, ev) {
    let data;
    try {
        data = JSON.parse(ev.data);
    } catch {
        return;
    }
    for (const fn of listeners.get(type) || []) {
        try {
            fn(data);
        } catch (e) {
            console.error('stream listener', type, e);
        }
    }
}

export function connect() {
    wanted = true;
    if (source) return;
    const es = (source = new EventSource('/api/v1/stream', { withCredentials: true }));
    setState('connecting');
    es.addEventListener('open', () => setState('open'));
    es.addEventListener('error', () => {
        if (es.readyState !== EventSource.CLOSED) {
            setState('connecting');
            return;
        }
        setState('closed');
        if (source === es) source = null;
        clearTimeout(retryTimer);
        retryTimer = setTimeout(() => { if (wanted) connect(); }, RETRY_MS);
    });
    for (const type of TYPES) es.addEventListener(type, (ev) => dispatch(type, ev));
}

export function disconnect() {
    wanted = false;
    clearTimeout(retryTimer);
    if (source) source.close();
    source = null;
    setState('closed');
}

export function on(type, fn) {
    if (!listeners.has(type)) listeners.set(type, new Set());
    listeners.get(type).add(fn);
    return () => listeners.get(type).delete(fn);
}

export function onState(fn) {
    stateListeners.add(fn);
    fn(state);
    return () => stateListeners.delete(fn);
}

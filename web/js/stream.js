// stream: one EventSource on /api/v1/stream for the whole page. Pages
// subscribe to "incident", "detection" and "counters" while they are shown
// (on() returns the unsubscribe function). The browser reconnects by
// itself; the connection state is shown in the header (onState).

const listeners = new Map(); // type -> Set(fn)
const stateListeners = new Set();
const TYPES = ['incident', 'detection', 'counters'];
let source = null;
let state = 'closed';

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
    if (source) return;
    source = new EventSource('/api/v1/stream', { withCredentials: true });
    setState('connecting');
    source.addEventListener('open', () => setState('open'));
    source.addEventListener('error', () => setState(source && source.readyState === 2 ? 'closed' : 'connecting'));
    for (const type of TYPES) source.addEventListener(type, (ev) => dispatch(type, ev));
}

export function disconnect() {
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

// dom: building elements without HTML strings. Every text from the server
// goes in as a text node (never innerHTML), so a log line or a comment
// cannot become markup.

// h('tag.class', {attr: value, onclick: fn}, child, [children], 'text')
export function h(spec, attrs, ...children) {
    const [tag, ...classes] = spec.split('.');
    const el = document.createElement(tag || 'div');
    if (classes.length) el.className = classes.join(' ');
    if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
        children.unshift(attrs);
        attrs = null;
    }
    for (const [k, v] of Object.entries(attrs || {})) {
        if (v === null || v === undefined || v === false) continue;
        if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
        else if (k === 'class') el.className = [el.className, v].filter(Boolean).join(' ');
        else if (k === 'dataset') Object.assign(el.dataset, v);
        else if (k === 'value') el.value = v;
        else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden') el[k] = !!v;
        else el.setAttribute(k, v === true ? '' : String(v));
    }
    append(el, children);
    return el;
}

export function append(el, children) {
    for (const c of children.flat(Infinity)) {
        if (c === null || c === undefined || c === false) continue;
        el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
}

export function clear(el) {
    while (el.firstChild) el.firstChild.remove();
    return el;
}

export function replace(el, ...children) {
    clear(el);
    return append(el, children);
}

// A <select> from [[value, label], ...].
export function select(attrs, options, current) {
    return h('select', attrs, options.map(([v, label]) =>
        h('option', { value: v, selected: String(v) === String(current ?? '') }, label)));
}

// Runs fn ms after the last of a burst of calls.
export function debounce(fn, ms) {
    let timer = null;
    return (...args) => {
        clearTimeout(timer);
        timer = setTimeout(() => fn(...args), ms);
    };
}

// Runs fn once, ms after the first call of a burst; calls meanwhile join
// that run. Unlike debounce, a steady stream of calls (live counters every
// few seconds) cannot put the run off for ever.
export function throttle(fn, ms) {
    let timer = null;
    let last = [];
    return (...args) => {
        last = args;
        if (timer) return;
        timer = setTimeout(() => {
            timer = null;
            fn(...last);
        }, ms);
    };
}

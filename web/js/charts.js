// charts: uPlot (vendored from npm at build time, web/vendor/) for the
// dashboard's time series. Axes use the viewer's time zone and language
// (Intl), charts follow their container's width.

import { h } from './dom.js';
import { locale, fmtNumber, t } from './i18n.js';

const COLORS = { logs: '#2f6db3', events: '#d9822b', incidents: '#c0392b', errors: '#8e44ad' };

// Counts are whole: no tick at 0.25.
const INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 1e8, 1e9];

function timeFormatter(opts) {
    const f = new Intl.DateTimeFormat(locale(), { hour12: false, ...opts });
    return (secs) => f.format(new Date(secs * 1000));
}

// series: [{label, key, scale: 'left'|'right', bars}], data: [xs, ys1, ys2...]
export function timeChart(container, { series, data, height = 220, unit = 'minute', label }) {
    const uPlot = window.uPlot;
    const wrap = h('div.chart', { role: 'img', 'aria-label': label || '' });
    container.append(wrap);
    if (!uPlot) {
        wrap.append(h('p.error', 'uPlot missing (web/vendor): run scripts/web-build.sh'));
        return null;
    }
    // Days are UTC days (the server's buckets): labelled and ticked in UTC.
    const utc = unit === 'day' ? { timeZone: 'UTC' } : {};
    const fmtX = unit === 'day' ? timeFormatter({ month: 'short', day: 'numeric', ...utc }) : timeFormatter({ hour: '2-digit', minute: '2-digit' });
    const fmtLegend = unit === 'day' ? timeFormatter({ year: 'numeric', month: 'short', day: 'numeric', ...utc })
        : timeFormatter({ month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
    const bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 24] }) : undefined;
    const opts = {
        width: Math.max(300, wrap.clientWidth || container.clientWidth || 600),
        height,
        cursor: { drag: { x: false, y: false } },
        ...(unit === 'day' && uPlot.tzDate ? { tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC') } : {}),
        legend: { live: true },
        // a day's bar is centred on its day: half a day of room at both ends
        scales: { x: unit === 'day' ? { time: true, range: (u, min, max) => [min - 43200, max + 43200] } : { time: true }, left: { auto: true, range: (u, min, max) => [0, Math.max(1, max * 1.1)] },
            right: { auto: true, range: (u, min, max) => [0, Math.max(1, max * 1.2)] } },
        series: [
            { label: t('chart.time'), value: (u, v) => (v == null ? '—' : fmtLegend(v)) },
            ...series.map((s) => ({
                label: s.label,
                scale: s.scale || 'left',
                stroke: COLORS[s.key] || '#555',
                fill: s.bars ? (COLORS[s.key] || '#555') + '55' : (COLORS[s.key] || '#555') + '18',
                width: s.bars ? 1 : 1.5,
                paths: s.bars ? bars : undefined,
                points: { show: false },
                value: (u, v) => (v == null ? '—' : fmtNumber(v)),
            })),
        ],
        axes: [
            { values: (u, splits) => splits.map(fmtX), stroke: '#555', grid: { stroke: '#eee' } },
            { scale: 'left', stroke: COLORS[series[0].key], grid: { stroke: '#eee' }, size: 60, incrs: INCRS,
                values: (u, splits) => splits.map((v) => fmtNumber(v)) },
            ...(series.some((s) => s.scale === 'right')
                ? [{ scale: 'right', side: 1, stroke: COLORS[series.find((s) => s.scale === 'right').key], grid: { show: false }, size: 50, incrs: INCRS,
                    values: (u, splits) => splits.map((v) => fmtNumber(v)) }]
                : []),
        ],
    };
    const plot = new uPlot(opts, data, wrap);
    const ro = new ResizeObserver(() => {
        const w = wrap.clientWidth;
        if (w > 0 && Math.abs(w - plot.width) > 2) plot.setSize({ width: w, height });
    });
    ro.observe(wrap);
    return { plot, destroy: () => { ro.disconnect(); plot.destroy(); } };
}

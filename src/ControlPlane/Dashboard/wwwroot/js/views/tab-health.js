// Health: the check's settings, its latency over time as a chart, and each failed check spelled out.
import { h, patch } from '../dom.js';
import { api, appPath } from '../api.js';
import { badge, timeAgo, when } from '../format.js';
import { latencyChart } from '../components/chart.js';
import { poll } from '../components/poll.js';

export async function mount(panel, ctx) {
  const summary = h('div');
  const chart = h('div');
  const failures = h('div');
  const table = h('div');
  panel.append(h('div', { class: 'section-head' }, h('h2', null, 'Health')), summary, h('section', { class: 'card' }, chart), failures, table);

  const load = async () => {
    let health;
    try {
      health = await api.get(appPath(ctx.appId, '/health'), { signal: ctx.signal });
    } catch (error) {
      if (!ctx.signal.aborted) patch(summary, 'err', () => h('p', { class: 'form-error', role: 'alert' }, error.message));
      return;
    }
    patch(summary, [health.lastStatus, health.lastCheckedAt, health.path, health.intervalSeconds], () => h('dl', { class: 'facts facts-inline' },
      h('dt', null, 'Last check'), h('dd', null, health.lastStatus ? badge(health.lastStatus, 'Health') : h('span', { class: 'muted' }, 'not yet'), ' ', timeAgo(health.lastCheckedAt)),
      h('dt', null, 'Probe'), h('dd', null, h('code', null, `GET ${health.path}`), ` every ${health.intervalSeconds} s`)));
    const history = health.history;
    // Drawn at the card's pixel width, so labels keep their size on any screen.
    const width = chart.clientWidth || 720;
    patch(chart, [history.map((p) => p.checkedAt), width], () => latencyChart(history, { width }));
    const failed = history.filter((p) => p.status !== 'healthy');
    patch(failures, failed.map((p) => p.checkedAt), () => (failed.length
      ? h('section', { class: 'card' }, h('h3', null, `Failed checks (${failed.length})`),
        h('ul', { class: 'failure-list' }, failed.slice(0, 20).map((p) => h('li', null,
          h('span', { class: 'tone-bad' }, h('span', { 'aria-hidden': 'true' }, '✕ '), 'failed'), ' ',
          h('time', { datetime: p.checkedAt }, when(p.checkedAt)), ' · ', `${p.latencyMs} ms`,
          p.httpStatus ? ` · HTTP ${p.httpStatus}` : '',
          p.error && p.error !== `HTTP ${p.httpStatus}` ? h('span', { class: 'mono wrap cell-note' }, p.error) : null))))
      : h('p', { class: 'muted' }, history.length ? `All ${history.length} recent checks passed.` : 'No checks yet: they start once the app runs.')));
    patch(table, history.length, () => (history.length ? h('details', { class: 'card' }, h('summary', null, 'All recent checks as a table'),
      h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Recent checks' }, h('table', { class: 'compact-table' },
        h('thead', null, h('tr', null, ['Time', 'Result', 'Latency', 'HTTP', 'Error'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, history.map((p) => h('tr', null, h('td', null, when(p.checkedAt)), h('td', null, badge(p.status, 'Check')),
          h('td', { class: 'num' }, `${p.latencyMs} ms`), h('td', null, p.httpStatus ?? '—'), h('td', { class: 'wrap' }, p.error ?? ''))))))) : null));
  };

  let last = null;
  const redraw = new ResizeObserver(() => {
    if (last !== chart.clientWidth) {
      last = chart.clientWidth;
      load();
    }
  });
  redraw.observe(chart);
  ctx.signal.addEventListener('abort', () => redraw.disconnect(), { once: true });
  poll(load, 5000, ctx.signal);
}

// The event journal: each thing the reconciler did to this app, why, how it went and how long it took.
import { h, patch } from '../dom.js';
import { api, appPath } from '../api.js';
import { badge, timeAgo, duration, shortId } from '../format.js';
import { poll } from '../components/poll.js';

const PAGE = 100;

export async function mount(panel, ctx) {
  const body = h('div', null, h('p', { class: 'loading' }, 'Loading events…'));
  const more = h('button', { type: 'button', class: 'button', hidden: true }, 'Load older events');
  panel.append(h('div', { class: 'section-head' }, h('h2', null, 'Events'),
    h('p', { class: 'muted' }, 'What the reconciler did to converge this app, newest first.')), body, more);
  let older = [];

  const rows = (events) => events.map((e) => h('tr', { 'data-event-id': e.id },
    h('td', { 'data-label': 'When' }, timeAgo(e.at)),
    h('th', { scope: 'row', 'data-label': 'Action' }, h('code', null, e.action)),
    h('td', { 'data-label': 'Outcome' }, badge(e.outcome, 'Outcome')),
    h('td', { 'data-label': 'Why', class: 'wrap' }, e.reason, e.error ? h('span', { class: 'cell-note mono wrap tone-bad' }, e.error) : null),
    h('td', { 'data-label': 'Took', class: 'num' }, duration(e.durationMs)),
    h('td', { 'data-label': 'Release' }, e.releaseId ? h('span', { class: 'mono', title: e.releaseId }, shortId(e.releaseId)) : '—',
      e.generation ? h('span', { class: 'cell-note' }, `gen ${e.generation}`) : null)));

  const render = (latest) => {
    const all = [...latest, ...older.filter((o) => !latest.some((l) => l.id === o.id))];
    patch(body, [all.map((e) => e.id), Math.floor(Date.now() / 30000)], () => (all.length ? h('table', { class: 'responsive-table events-table' },
      h('caption', { class: 'visually-hidden' }, 'Event journal, newest first'),
      h('thead', null, h('tr', null, ['When', 'Action', 'Outcome', 'Why', 'Took', 'Release'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, rows(all))) : h('div', { class: 'empty' }, h('h3', null, 'No events yet'), h('p', null, 'Deploy the app and the reconciler starts writing here.'))));
    return all;
  };

  let latest = [];
  const load = async () => {
    try {
      latest = await api.get(appPath(ctx.appId, `/events?limit=${PAGE}`), { signal: ctx.signal });
    } catch (error) {
      if (!ctx.signal.aborted) patch(body, 'err', () => h('p', { class: 'form-error', role: 'alert' }, error.message));
      return;
    }
    const all = render(latest);
    more.hidden = all.length < PAGE || more.dataset.exhausted === 'true';
  };

  more.addEventListener('click', async () => {
    const all = [...latest, ...older];
    const oldest = all[all.length - 1];
    const page = await api.get(appPath(ctx.appId, `/events?limit=${PAGE}&before=${oldest.id}`));
    older = [...older, ...page];
    if (page.length < PAGE) {
      more.dataset.exhausted = 'true';
      more.hidden = true;
    }
    render(latest);
  });

  poll(load, 3000, ctx.signal);
}

// The audit log: every mutating API call, who made it (dashboard or API token), what it changed, how it ended.
import { h, patch } from '../dom.js';
import { api } from '../api.js';
import { badge, timeAgo, duration, shortId } from '../format.js';
import { poll } from '../components/poll.js';

const OUTCOMES = { active: 'live', superseded: 'went live, since replaced', failed: 'failed', cancelled: 'cancelled', pending: 'rolling out', building: 'building' };

/** A 202 only says the change was accepted; the release it made says how it went. */
function result(e) {
  const status = e.statusCode === 202 ? 'accepted' : e.statusCode < 400 ? 'succeeded' : 'failed';
  return [badge(status, `HTTP ${e.statusCode}`),
    h('span', { class: 'cell-note' }, e.count > 1 ? `HTTP ${e.statusCode}, ${e.count} calls until ${timeAgo(e.lastAt)}` : `HTTP ${e.statusCode}`),
    e.releaseId && e.appId
      ? h('a', { href: `/apps/${e.appId}/releases`, class: 'cell-note release-outcome', 'data-release-status': e.releaseStatus ?? 'deleted' },
        `release ${shortId(e.releaseId)}: ${e.releaseStatus ? OUTCOMES[e.releaseStatus] ?? e.releaseStatus : 'gone with its app'}`)
      : null];
}
const PAGE = 100;

export function showAudit({ outlet, signal }) {
  document.title = 'Audit log · PersonalCloud';
  const method = h('select', { id: 'audit-method', name: 'method' },
    h('option', { value: '' }, 'Any method'), ['POST', 'PUT', 'PATCH', 'DELETE'].map((m) => h('option', { value: m }, m)));
  const body = h('div', null, h('p', { class: 'loading' }, 'Loading the audit log…'));
  const more = h('button', { type: 'button', class: 'button', hidden: true }, 'Load older entries');
  outlet.replaceChildren(h('section', { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Audit log')),
    h('p', { class: 'muted' }, 'Every change made through the API or this dashboard. Secret values never appear here.'),
    h('div', { class: 'log-toolbar' }, h('div', { class: 'log-filter' }, h('label', { for: 'audit-method' }, 'Method'), method)),
    body, more));

  let latest = [];
  let older = [];
  let nextBefore = null;

  const query = (before) => {
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (method.value) params.set('method', method.value);
    if (before) params.set('before', String(before));
    return `/api/audit?${params}`;
  };

  const render = () => {
    const all = [...latest, ...older.filter((o) => !latest.some((l) => l.id === o.id))];
    patch(body, [all.map((e) => [e.id, e.releaseStatus]), Math.floor(Date.now() / 30000)], () => (all.length ? h('table', { class: 'responsive-table audit-table' },
      h('caption', { class: 'visually-hidden' }, 'Audit log, newest first'),
      h('thead', null, h('tr', null, ['When', 'Call', 'Result', 'What changed', 'Who', 'App', 'Took'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, all.map((e) => h('tr', { 'data-audit-id': e.id },
        h('td', { 'data-label': 'When' }, timeAgo(e.at)),
        h('th', { scope: 'row', 'data-label': 'Call' }, h('code', null, `${e.method} ${e.path}`)),
        h('td', { 'data-label': 'Result' }, result(e)),
        h('td', { 'data-label': 'What changed', class: 'wrap' }, e.summary ?? h('span', { class: 'muted' }, '—')),
        h('td', { 'data-label': 'Who' }, e.actor, e.remoteIp ? h('span', { class: 'cell-note mono' }, e.remoteIp) : null),
        h('td', { 'data-label': 'App' }, e.appId ? h('a', { href: `/apps/${e.appId}`, class: 'mono nowrap' }, shortId(e.appId)) : '—'),
        h('td', { 'data-label': 'Took', class: 'num' }, duration(e.durationMs))))))
      : h('div', { class: 'empty' }, h('h2', null, 'Nothing recorded yet'), h('p', null, 'Changes you make show up here.'))));
    more.hidden = !nextBefore;
  };

  const load = async () => {
    try {
      const { data, headers } = await api.getWithHeaders(query(), { signal });
      latest = data;
      if (!older.length) nextBefore = headers.get('X-Next-Before');
      render();
    } catch (error) {
      if (!signal.aborted) patch(body, `err:${error.message}`, () => h('p', { class: 'form-error', role: 'alert' }, `The audit log could not be loaded: ${error.message}`));
    }
  };

  more.addEventListener('click', async () => {
    const { data, headers } = await api.getWithHeaders(query(nextBefore), { signal });
    older = [...older, ...data];
    nextBefore = headers.get('X-Next-Before');
    render();
  });
  method.addEventListener('change', () => {
    older = [];
    nextBefore = null;
    load();
  });

  poll(load, 10000, signal);
}

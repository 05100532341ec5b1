// Overview: what runs, where, since when; the newest deploy that failed, why, and what it printed last.
import { h, patch } from '../dom.js';
import { api, appPath } from '../api.js';
import { badge, appBadge, timeAgo, shortId, duration, when, imageText } from '../format.js';
import { poll } from '../components/poll.js';

function fact(term, ...value) {
  return [h('dt', null, term), h('dd', null, ...value)];
}

/** The newest failed deploy, next to what still serves: release, image, the stage and reason in words, its last lines. */
function failedDeploy(app) {
  const failed = app.lastFailedRelease;
  if (!failed) return null;
  const r = failed.release;
  const serving = app.currentRelease
    ? ['Release ', h('span', { class: 'mono' }, shortId(app.currentRelease.id)), ' keeps serving.']
    : 'Nothing serves: the app answers 503 until a release goes live.';
  return h('section', { class: 'callout tone-bad failed-release', role: 'status', 'data-release-id': r.id },
    h('strong', null, h('span', { 'aria-hidden': 'true' }, '✕ '), 'Last deploy failed'),
    h('dl', { class: 'facts facts-inline' },
      h('dt', null, 'Release'), h('dd', null, h('a', { href: `/apps/${app.id}/releases`, class: 'mono' }, shortId(r.id)), ' ', timeAgo(r.failedAt ?? r.createdAt)),
      h('dt', null, 'Image'), h('dd', null, imageText(r.image, r.imageDigest), r.gitUrl ? h('span', { class: 'cell-note mono wrap' }, `${r.gitUrl} ${r.gitRef ?? ''}`) : null),
      h('dt', null, 'Failed at'), h('dd', null, r.failedStage ?? 'starting'),
      h('dt', null, 'Why'), h('dd', { class: 'mono wrap failure-reason' }, r.failureReason ?? 'no reason given')),
    failed.lastLines.length
      ? [h('p', { class: 'muted small' }, r.sourceKind !== 'image' && r.failedStage === 'building' ? 'The end of its build log:' : 'The last lines it printed:'),
        h('pre', { class: 'code-block last-lines', tabindex: '0', 'aria-label': 'Last lines of its output' }, failed.lastLines.join('\n'))]
      : h('p', { class: 'muted small' }, 'It printed nothing.'),
    h('p', { class: 'muted small' }, serving, ' Fix the cause and deploy again.'));
}

export async function mount(panel, ctx) {
  const facts = h('dl', { class: 'facts' });
  const problem = h('div');
  const recent = h('div');
  const health = h('div', { class: 'health-line' });
  panel.append(h('h2', { class: 'visually-hidden' }, 'Overview'), problem,
    h('div', { class: 'grid-2' },
      h('section', { class: 'card' }, h('h3', null, 'Runtime'), facts),
      h('div', null,
        h('section', { class: 'card' }, h('h3', null, 'Health'), health),
        h('section', { class: 'card' }, h('h3', null, 'Recent activity'), recent))));

  const render = (app) => {
    // The app's own error, unless it only repeats why the failed deploy failed (shown with that release).
    const ownError = app.lastError && app.lastError !== app.lastFailedRelease?.release.failureReason ? app.lastError : null;
    patch(problem, [ownError, app.status, app.lastFailedRelease], () => [failedDeploy(app), ownError
      ? h('div', { class: 'callout tone-bad', role: 'status' },
        h('strong', null, h('span', { 'aria-hidden': 'true' }, '✕ '), app.status === 'crash-looping' ? 'The app keeps crashing' : 'Last error'),
        h('p', { class: 'mono wrap' }, ownError))
      : null]);
    const rel = app.currentRelease;
    patch(facts, [app, Math.floor(Date.now() / 30000)], () => [
      ...fact('Status', appBadge(app), app.observedGeneration < app.generation
        ? h('span', { class: 'muted' }, ` converging to generation ${app.generation} (seen ${app.observedGeneration})`)
        : h('span', { class: 'muted' }, ` generation ${app.generation}`)),
      ...fact('Address', h('a', { href: app.url, target: '_blank', rel: 'noopener', 'data-external': '', class: 'mono' }, app.url)),
      ...fact('Serving release', rel
        ? [h('a', { href: `/apps/${app.id}/releases`, class: 'mono' }, shortId(rel.id)), ' ', imageText(rel.image, rel.imageDigest),
          rel.gitUrl ? h('span', { class: 'cell-note mono wrap' }, `${rel.gitUrl} ${rel.gitRef ?? ''}${rel.gitCommit ? ` @ ${rel.gitCommit.slice(0, 12)}` : ''}`) : null]
        : h('span', { class: 'muted' }, 'none yet: deploy an image or upload source')),
      ...fact('Image digest', rel?.imageDigest ? h('span', { class: 'mono wrap small' }, rel.imageDigest) : h('span', { class: 'muted' }, '—')),
      ...fact('Port', app.port ? String(app.port) : h('span', { class: 'muted' }, 'from the image')),
      ...fact('Last deploy', timeAgo(app.lastDeployedAt)),
      ...fact('Restarts', String(app.restartCount), app.crashCount ? h('span', { class: 'muted' }, ` · ${app.crashCount} crashes`) : null),
      ...fact('Limits', `${app.limits.memoryMb} MB memory · ${app.limits.cpus} CPU · ${app.limits.pids} processes`),
      ...fact('Security profile', app.securityProfile),
      ...fact('Domains', app.domains.length ? app.domains.join(', ') : h('span', { class: 'muted' }, 'only the generated address')),
      ...fact('Created', h('time', { datetime: app.createdAt }, when(app.createdAt))),
    ]);
  };

  const loadHealth = async () => {
    try {
      const result = await api.get(appPath(ctx.appId, '/health'), { signal: ctx.signal });
      const failed = result.history.filter((c) => c.status !== 'healthy').length;
      patch(health, [result.lastStatus, result.lastCheckedAt, failed, result.history.length], () => [
        h('p', { class: 'health-now' }, result.lastStatus ? badge(result.lastStatus, 'Health') : h('span', { class: 'muted' }, 'No check yet'),
          ' ', result.lastCheckedAt ? ['checked ', timeAgo(result.lastCheckedAt)] : null),
        h('p', { class: 'muted small' }, `GET ${result.path} every ${result.intervalSeconds} s · `,
          result.history.length ? `${failed} of the last ${result.history.length} checks failed · ` : '',
          h('a', { href: `/apps/${ctx.appId}/health` }, 'Latency chart'))]);
    } catch (error) {
      if (!ctx.signal.aborted) patch(health, 'err', () => h('p', { class: 'form-error' }, error.message));
    }
  };

  const loadRecent = async () => {
    try {
      const events = await api.get(appPath(ctx.appId, '/events?limit=6'), { signal: ctx.signal });
      patch(recent, events.map((e) => e.id), () => (events.length
        ? [h('ol', { class: 'mini-journal' }, events.map((e) => h('li', null,
          badge(e.outcome, 'Outcome'),
          h('span', { class: 'journal-action' }, e.action),
          h('span', { class: 'journal-when' }, timeAgo(e.at)),
          h('span', { class: 'journal-why' }, `${e.reason} · ${duration(e.durationMs)}`),
          e.error ? h('span', { class: 'journal-error cell-note mono wrap tone-bad' }, e.error) : null))),
        h('p', { class: 'card-foot' }, h('a', { href: `/apps/${ctx.appId}/events` }, 'All events'))]
        : h('p', { class: 'muted' }, 'Nothing has happened yet.')));
    } catch (error) {
      if (!ctx.signal.aborted) patch(recent, 'err', () => h('p', { class: 'form-error' }, error.message));
    }
  };

  if (ctx.app) render(ctx.app);
  let lastSeen = null;
  ctx.onApp((app) => {
    render(app);
    const key = `${app.observedGeneration}/${app.status}/${app.restartCount}`;
    if (key !== lastSeen) {
      lastSeen = key;
      loadRecent();
    }
  });
  poll(loadHealth, 10000, ctx.signal);
  await loadRecent();
}

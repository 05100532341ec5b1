// Release history: every snapshot the app ran (or tried to), why it was made, and a rollback button per live one.
import { h, patch } from '../dom.js';
import { api, appPath } from '../api.js';
import { badge, timeAgo, shortId, count, imageText, releaseOutcome } from '../format.js';
import { confirmDialog, textDialog } from '../components/dialogs.js';
import { toast } from '../components/toast.js';
import { followRelease } from '../components/release-follow.js';

const REASONS = { deploy: 'deploy', env: 'env change', rollback: 'rollback' };
const SOURCES = { image: 'from an image', archive: 'built from an uploaded tarball', git: 'built from git' };

/** What a release runs: its image reference, its digest, and for a git build the URL (credentials masked), ref and commit. */
function source(r) {
  return [imageText(r.image, r.imageDigest),
    r.imageDigest && r.imageDigest !== r.image ? h('span', { class: 'cell-note mono', title: r.imageDigest }, r.imageDigest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1…')) : null,
    r.gitUrl ? h('span', { class: 'cell-note mono wrap', title: r.gitUrl }, r.gitUrl) : null,
    r.gitUrl ? h('span', { class: 'cell-note mono' }, `${r.gitRef ?? 'default branch'}${r.gitCommit ? ` @ ${r.gitCommit.slice(0, 12)}` : ''}`) : null,
    h('span', { class: 'cell-note' }, SOURCES[r.sourceKind] ?? r.sourceKind)];
}

/** Status, and where a release stands or failed: "failed at health-checking", "building". */
function state(r) {
  const outcome = releaseOutcome(r);
  const note = r.status === 'failed' ? `failed at ${r.failedStage ?? 'starting'}` : ['active', 'superseded', 'cancelled'].includes(r.status) ? null : r.stage;
  return [badge(r.status, 'Release'), note ? h('span', { class: 'cell-note', 'data-stage': outcome }, note) : null,
    r.failureReason ? h('span', { class: 'cell-note wrap' }, r.failureReason) : null];
}

export async function mount(panel, ctx) {
  const body = h('div', null, h('p', { class: 'loading' }, 'Loading releases…'));
  panel.append(h('div', { class: 'section-head' }, h('h2', null, 'Releases'),
    h('p', { class: 'muted' }, 'Each release is a snapshot of the image, environment and settings. Rolling back makes a new release from an older one.')), body);

  const load = async () => {
    let releases;
    try {
      releases = await api.get(appPath(ctx.appId, '/releases'), { signal: ctx.signal });
    } catch (error) {
      if (!ctx.signal.aborted) patch(body, 'err', () => h('p', { class: 'form-error', role: 'alert' }, error.message));
      return;
    }
    patch(body, releases, () => (releases.length ? table(releases, ctx) : h('div', { class: 'empty' },
      h('h3', null, 'No releases yet'), h('p', null, 'Deploy an image or upload a source tarball to make the first one.'))));
  };

  let lastKey = null;
  ctx.onApp((app) => {
    const key = `${app.generation}/${app.observedGeneration}/${app.status}/${app.currentRelease?.id}`;
    if (key !== lastKey) {
      lastKey = key;
      load();
    }
  });
  await load();
}

function table(releases, ctx) {
  return h('table', { class: 'responsive-table releases-table' },
    h('caption', { class: 'visually-hidden' }, 'Release history, newest first'),
    h('thead', null, h('tr', null, ['Release', 'Status', 'Made by', 'Source', 'Created', 'Went live', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, releases.map((r) => h('tr', { 'data-release-id': r.id, 'data-status': r.status },
      h('th', { scope: 'row', 'data-label': 'Release' }, h('span', { class: 'mono', title: r.id }, shortId(r.id))),
      h('td', { 'data-label': 'Status' }, state(r)),
      h('td', { 'data-label': 'Made by' }, REASONS[r.reason] ?? r.reason,
        r.sourceReleaseId ? h('span', { class: 'cell-note' }, 'from ', h('span', { class: 'mono' }, shortId(r.sourceReleaseId))) : null,
        r.envKeys?.length ? h('span', { class: 'cell-note', title: r.envKeys.join(', ') }, count(r.envKeys.length, 'env var')) : null),
      h('td', { 'data-label': 'Source' }, source(r)),
      h('td', { 'data-label': 'Created' }, timeAgo(r.createdAt)),
      h('td', { 'data-label': 'Went live' }, timeAgo(r.deployedAt)),
      h('td', { 'data-label': 'Actions', class: 'row-actions' }, h('div', { class: 'row-buttons' }, ...actions(r, ctx)))))));
}

function actions(release, ctx) {
  const out = [];
  if (release.deployedAt && release.status !== 'active') {
    out.push(h('button', {
      type: 'button',
      class: 'button button-small',
      'data-focus-key': `rollback-${release.id}`,
      'aria-label': `Roll back to release ${shortId(release.id)}`,
      onclick: () => confirmDialog({
        title: `Roll back to ${shortId(release.id)}?`,
        message: `A new release is made from ${release.image} with the environment it had, and rolled out.`,
        confirmLabel: 'Roll back',
        onConfirm: async () => {
          const result = await api.post(appPath(ctx.appId, '/rollback'), { releaseId: release.id });
          followRelease(ctx.appId, result?.release, `Rollback to ${shortId(release.id)}`);
          ctx.showProgress(result?.release);
          ctx.refresh();
        },
      }),
    }, 'Roll back to this'));
  }
  // Only a release built here has a build log (one made from it by an env change or a rollback reuses its image).
  if (release.sourceKind !== 'image' && release.reason === 'deploy') {
    out.push(h('button', {
      type: 'button',
      class: 'button button-small button-quiet',
      onclick: async () => {
        try {
          const log = await api.get(appPath(ctx.appId, `/releases/${release.id}/build-log`));
          const text = typeof log === 'string' ? log : JSON.stringify(log, null, 2);
          textDialog({ title: `Build log of ${shortId(release.id)}`, text: text || 'Nothing yet: the build is queued and has printed nothing so far.' });
        } catch (error) {
          toast(`No build log: ${error.message}`, 'bad');
        }
      },
    }, 'Build log'));
  }
  return out;
}

// Release history: every snapshot the app ran (or tried to), why it was made, and a rollback button per live one.
import { h, patch } from '../dom.js';
import { api, appPath } from '../api.js';
import { badge, timeAgo, shortId, count } from '../format.js';
import { confirmDialog, textDialog } from '../components/dialogs.js';
import { toast } from '../components/toast.js';

const REASONS = { deploy: 'deploy', env: 'env change', rollback: 'rollback' };
const SOURCES = { image: 'from an image', archive: 'built from an uploaded tarball', git: 'built from git' };

// A digest-pinned image reads better shortened; the whole reference stays in the tooltip.
function imageName(image) {
  const short = image.replace(/(sha256:[0-9a-f]{12})[0-9a-f]{52}/, '$1…');
  return h('span', { class: 'mono wrap', title: image }, short);
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
      h('td', { 'data-label': 'Status' }, badge(r.status, 'Release'),
        r.failureReason ? h('span', { class: 'cell-note wrap' }, r.failureReason) : null),
      h('td', { 'data-label': 'Made by' }, REASONS[r.reason] ?? r.reason,
        r.sourceReleaseId ? h('span', { class: 'cell-note' }, 'from ', h('span', { class: 'mono' }, shortId(r.sourceReleaseId))) : null,
        r.envKeys?.length ? h('span', { class: 'cell-note', title: r.envKeys.join(', ') }, count(r.envKeys.length, 'env var')) : null),
      h('td', { 'data-label': 'Source' }, imageName(r.image), h('span', { class: 'cell-note' }, SOURCES[r.sourceKind] ?? r.sourceKind)),
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
          toast(`Rollback accepted (release ${shortId(result?.release?.id)}): rolling out.`, 'busy');
          ctx.refresh();
        },
      }),
    }, 'Roll back to this'));
  }
  if (release.sourceKind !== 'image') {
    out.push(h('button', {
      type: 'button',
      class: 'button button-small button-quiet',
      onclick: async () => {
        try {
          const log = await api.get(appPath(ctx.appId, `/releases/${release.id}/build-log`));
          textDialog({ title: `Build log of ${shortId(release.id)}`, text: typeof log === 'string' ? log : JSON.stringify(log, null, 2) });
        } catch (error) {
          toast(`No build log: ${error.message}`, 'bad');
        }
      },
    }, 'Build log'));
  }
  return out;
}

// Backups of one app volume: size, age, verified (green) or failed (red, with the reason); "Back up now"; restore with
// mode and progress; switch a ready restore in. Mount point for the Volumes tab: mountVolumeBackups(panel, ctx, volumeName).
import { h, patch } from '../../dom.js';
import { api, appPath } from '../../api.js';
import { badge, timeAgo, shortId } from '../../format.js';
import { poll } from '../../components/poll.js';
import { toast } from '../../components/toast.js';

const bytes = (n) => (n == null ? '—' : n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB`
  : n < 1073741824 ? `${(n / 1048576).toFixed(1)} MiB` : `${(n / 1073741824).toFixed(2)} GiB`);

const progress = (done, total) => (total ? `${bytes(done)} of ${bytes(total)} (${Math.min(100, Math.round((100 * done) / total))} %)` : bytes(done));

/** Renders the volume's backups and restores into `panel` and keeps them fresh while `ctx.signal` lives. */
export function mountVolumeBackups(panel, ctx, volumeName) {
  const base = appPath(ctx.appId, `/volumes/${encodeURIComponent(volumeName)}`);
  const backupsBody = h('div', { 'data-backups': volumeName }, h('p', { class: 'loading' }, 'Loading backups…'));
  const restoresBody = h('div', { 'data-restores': volumeName });
  const now = h('button', { type: 'button', class: 'button button-primary', 'data-action': 'backup-now' }, 'Back up now');
  const mode = h('select', { 'aria-label': 'Restore mode', 'data-field': 'restore-mode' },
    h('option', { value: 'new-volume' }, 'into a new volume (switch in later)'),
    h('option', { value: 'in-place' }, 'in place (after a pre-restore backup)'));
  panel.append(h('section', { class: 'volume-backups', 'data-volume': volumeName },
    h('div', { class: 'section-head' }, h('h3', null, `Backups of ${volumeName}`),
      h('p', { class: 'muted' }, 'A backup counts once it was restored into a scratch volume and every file compared: verified.')),
    h('div', { class: 'toolbar' }, now, h('label', null, 'Restore ', mode)), backupsBody,
    h('h4', null, 'Restores'), restoresBody));

  const act = async (work, done) => {
    try {
      await work();
      toast(done);
      await load();
    } catch (error) {
      toast(error.message, 'bad');
    }
  };
  now.addEventListener('click', () => act(() => api.post(`${base}/backups`), `Backup of ${volumeName} requested`));

  const backupRow = (b) => h('tr', { 'data-backup-id': b.id, 'data-state': b.state },
    h('td', { 'data-label': 'Taken' }, timeAgo(b.requestedAt)),
    h('td', { 'data-label': 'Trigger' }, b.trigger),
    h('td', { 'data-label': 'State', class: 'wrap' }, badge(b.state, 'Backup'),
      b.state === 'failed' ? h('span', { class: 'cell-note wrap tone-bad', 'data-reason': '' }, b.reason) : null,
      b.state === 'running' || b.state === 'verifying' ? h('span', { class: 'cell-note' }, `${bytes(b.progressBytes)}, ${b.progressFiles} entries`) : null),
    h('td', { 'data-label': 'Size', class: 'num' }, bytes(b.sizeBytes), b.fileCount != null ? h('span', { class: 'cell-note' }, `${b.fileCount} files`) : null),
    h('td', { 'data-label': 'Verified' }, b.verifiedAt ? timeAgo(b.verifiedAt) : '—'),
    h('td', null, b.state === 'verified'
      ? h('button', { type: 'button', class: 'button', 'data-action': 'restore' , onclick: () => act(
        () => api.post(`${base}/restores`, { backupId: b.id, mode: mode.value }), `Restore of ${volumeName} requested`) }, 'Restore')
      : null));

  const restoreRow = (r) => h('tr', { 'data-restore-id': r.id, 'data-state': r.state },
    h('td', { 'data-label': 'Asked' }, timeAgo(r.requestedAt)),
    h('td', { 'data-label': 'Backup' }, r.backupId ? h('span', { class: 'mono', title: r.backupId }, shortId(r.backupId)) : '—', h('span', { class: 'cell-note' }, r.mode)),
    h('td', { 'data-label': 'State', class: 'wrap' }, badge(r.state, 'Restore'),
      r.state === 'failed' ? h('span', { class: 'cell-note wrap tone-bad', 'data-reason': '' }, r.reason) : null),
    h('td', { 'data-label': 'Progress' }, progress(r.progressBytes, r.totalBytes)),
    h('td', null, r.state === 'ready' && !r.switchRequestedAt
      ? h('button', { type: 'button', class: 'button button-primary', 'data-action': 'switch', onclick: () => act(
        () => api.post(`${base}/restores/${r.id}/switch`), `${volumeName} switches to the restored volume`) }, 'Switch in')
      : null));

  const table = (caption, columns, rows) => h('table', { class: 'responsive-table' }, h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', null, rows));

  async function load() {
    try {
      const [backups, restores] = await Promise.all([api.get(`${base}/backups`, { signal: ctx.signal }), api.get(`${base}/restores`, { signal: ctx.signal })]);
      patch(backupsBody, JSON.stringify(backups), () => (backups.length
        ? table(`Backups of ${volumeName}, newest first`, ['Taken', 'Trigger', 'State', 'Size', 'Verified', ''], backups.map(backupRow))
        : h('div', { class: 'empty' }, h('p', null, 'No backups yet: the first scheduled one runs at 03:00 UTC, or back up now.'))));
      patch(restoresBody, JSON.stringify(restores), () => (restores.length
        ? table(`Restores of ${volumeName}, newest first`, ['Asked', 'Backup', 'State', 'Progress', ''], restores.map(restoreRow))
        : h('p', { class: 'muted' }, 'No restores.')));
    } catch (error) {
      if (!ctx.signal.aborted) patch(backupsBody, 'err', () => h('p', { class: 'form-error', role: 'alert' }, error.message));
    }
  }

  poll(load, 2000, ctx.signal);
}

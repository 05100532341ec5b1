// Volumes: the app's persistent Docker volumes, where they are mounted, what they use (no hard cap here), and the
// deletes that keep the data until a final backup.
import { h } from '../dom.js';
import { api, appPath } from '../api.js';
import { timeAgo } from '../format.js';
import { field, formError, submitting } from '../components/forms.js';
import { confirmDialog } from '../components/dialogs.js';
import { toast } from '../components/toast.js';
import { mountVolumeBackups } from './backups/volume-backups.js';

const NO_QUOTA = 'Volumes have no size limit on this host: one can fill the data disk. The platform warns over a threshold.';

export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return '—';
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** The body of POST /volumes: processes as a list, or left out (every process). */
export function volumeBody(name, mountPath, processes) {
  const list = processes.split(',').map((p) => p.trim()).filter(Boolean);
  return list.length ? { name, mountPath, processes: list } : { name, mountPath };
}

function usageCell(v) {
  if (v.usageBytes === null || v.usageBytes === undefined) return h('span', { class: 'muted' }, 'not measured yet');
  return h('span', null, formatBytes(v.usageBytes), v.measuredAt ? h('span', { class: 'muted' }, ' · measured ', timeAgo(v.measuredAt)) : null,
    v.warning ? h('span', { class: 'volume-warning', role: 'status' }, ` ⚠ ${v.warning}`) : null);
}

export async function mount(panel, ctx) {
  const list = h('div', null, h('p', { class: 'loading' }, 'Loading volumes…'));
  const form = h('form', { class: 'inline-form card', novalidate: true, 'aria-labelledby': 'volume-add-title' },
    h('h3', { id: 'volume-add-title' }, 'Add a volume'),
    h('div', { class: 'inline-fields' },
      field({ name: 'name', label: 'Name', required: true, autocomplete: 'off', spellcheck: false, placeholder: 'data' }),
      field({ name: 'mountPath', label: 'Mount path', required: true, autocomplete: 'off', spellcheck: false, placeholder: '/data',
        hint: 'An absolute directory in the containers; not /, /etc, /tmp, /proc, /sys, /dev or /run.' }),
      field({ name: 'processes', label: 'Processes', autocomplete: 'off', spellcheck: false, placeholder: 'all',
        hint: 'Comma-separated process names; empty mounts it into every process.' }),
      h('div', { class: 'inline-submit' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Add volume'))),
    formError());
  // Each volume's backups and restores, below the list; mounted once per volume (each keeps itself fresh).
  const backups = h('div', { class: 'volumes-backups' });
  const backupsOf = new Map();
  panel.append(h('div', { class: 'section-head' }, h('h2', null, 'Volumes')),
    h('p', { class: 'muted volume-quota' }, NO_QUOTA), form, list, backups);

  const showBackups = (volumes) => {
    const names = new Set(volumes.filter((v) => v.mountPath).map((v) => v.name));
    for (const [name, section] of backupsOf) {
      if (!names.has(name)) { section.remove(); backupsOf.delete(name); }
    }
    for (const name of names) {
      if (backupsOf.has(name)) continue;
      const section = h('div', { 'data-backups-of': name });
      backups.append(section);
      backupsOf.set(name, section);
      mountVolumeBackups(section, ctx, name);
    }
  };

  const load = async () => {
    let volumes;
    try {
      volumes = await api.get(appPath(ctx.appId, '/volumes'), { signal: ctx.signal });
    } catch (error) {
      if (!ctx.signal.aborted) list.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, error.message));
      return;
    }
    showBackups(volumes);
    if (!volumes.length) {
      list.replaceChildren(h('div', { class: 'empty' }, h('h3', null, 'No volumes'),
        h('p', null, 'Everything the app writes is lost when its container is replaced. Add a volume for data that must survive deploys and restarts.')));
      return;
    }
    list.replaceChildren(h('table', { class: 'responsive-table volumes-table' },
      h('caption', { class: 'visually-hidden' }, 'The app\'s volumes'),
      h('thead', null, h('tr', null, ['Name', 'Mount path', 'Processes', 'State', 'Usage', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, volumes.map((v) => h('tr', { 'data-volume': v.name, 'data-state': v.state },
        h('th', { scope: 'row', 'data-label': 'Name', class: 'mono' }, v.name),
        h('td', { 'data-label': 'Mount path', class: 'mono' }, v.mountPath ?? h('span', { class: 'muted' }, 'not mounted')),
        h('td', { 'data-label': 'Processes' }, v.mountPath ? (v.processes?.length ? v.processes.join(', ') : 'all') : '—'),
        h('td', { 'data-label': 'State' }, v.state, v.reason ? h('p', { class: 'hint volume-reason' }, v.reason) : null),
        h('td', { 'data-label': 'Usage' }, usageCell(v)),
        h('td', { 'data-label': 'Actions', class: 'row-actions' }, v.mountPath ? h('button', {
          type: 'button',
          class: 'button button-small button-danger-quiet',
          'aria-label': `Delete volume ${v.name}`,
          onclick: async () => {
            const done = await confirmDialog({
              title: `Delete volume ${v.name}?`,
              message: `It is unmounted from the app (a new release rolls out). Its data is not deleted at once: a final backup is taken and kept before the Docker volume is removed.`,
              confirmLabel: 'Delete volume',
              danger: true,
              typeToConfirm: v.name,
              onConfirm: () => api.del(appPath(ctx.appId, `/volumes/${encodeURIComponent(v.name)}?confirm=${encodeURIComponent(v.name)}`)),
            });
            if (done) {
              toast(`Volume ${v.name} deleted; its data is kept until the final backup.`);
              await load();
              ctx.refresh();
            }
          },
        }, 'Delete') : null))))));
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const body = volumeBody(form.elements.name.value.trim(), form.elements.mountPath.value.trim(), form.elements.processes.value);
    const ok = await submitting(form, () => api.post(appPath(ctx.appId, '/volumes'), body));
    if (ok) {
      toast(`Volume ${body.name} added.`);
      form.reset();
      await load();
      ctx.refresh();
    }
  });

  await load();
}

// Processes: what runs from the current release (web, workers), each replica's status, crashes and restarts; scale,
// create, edit and delete a process; the release command. A scale is a new generation; any other change a new release.
import { h, patch } from '../dom.js';
import { api, appPath } from '../api.js';
import { badge, timeAgo, shortId } from '../format.js';
import { field, formError, submitting } from '../components/forms.js';
import { formDialog, confirmDialog } from '../components/dialogs.js';
import { poll } from '../components/poll.js';
import { toast } from '../components/toast.js';
import { announce, createForm, releaseCommandCard } from './processes-forms.js';

const POLL_MS = 2500;

export function readyCount(process) {
  return process.replicaStatus.filter((r) => r.status === 'running').length;
}

/** Where a process's definition and command come from, in words; null when only the API defined it. */
export function origin(process) {
  if (process.declaredBy === 'procfile') return 'Declared by the Procfile of the current release.';
  if (process.declaredBy === 'api+procfile') return 'Defined here and in the Procfile: the settings here win, the Procfile gives the command unless one is set here.';
  if (process.commandSource === 'procfile') return 'Its command comes from the Procfile.';
  return null;
}

export async function mount(panel, ctx) {
  const note = h('div', { class: 'process-note' }, h('p', { class: 'loading' }, 'Loading processes…'));
  const list = h('div', { class: 'process-list' });
  const cards = new Map();
  const scaling = new Map(); // process name -> replicas asked for, until they are ready
  let latest = [];

  const load = async () => {
    let processes;
    try {
      processes = await api.get(appPath(ctx.appId, '/processes'), { signal: ctx.signal });
    } catch (error) {
      if (!ctx.signal.aborted) patch(note, `err:${error.message}`, () => h('p', { class: 'form-error', role: 'alert' }, `The processes could not be loaded: ${error.message}`));
      return;
    }
    latest = processes;
    for (const [name, card] of cards) {
      if (!processes.some((p) => p.name === name)) {
        card.root.remove();
        cards.delete(name);
      }
    }
    for (const process of processes) {
      let card = cards.get(process.name);
      if (!card) {
        card = processCard(process, ctx, { load, scaling });
        cards.set(process.name, card);
        list.append(card.root);
      }
      card.update(process);
      const wanted = scaling.get(process.name);
      if (wanted !== undefined && process.replicas === wanted && readyCount(process) === wanted && process.replicaStatus.length === wanted) {
        scaling.delete(process.name);
        toast(`Scaling done: ${process.name} runs ${wanted} of ${wanted} replicas.`, 'ok');
      }
    }
    patch(note, processes.length ? 'some' : 'none', () => (processes.length ? null : h('div', { class: 'empty' }, h('h3', null, 'No processes'),
      h('p', null, 'Create one below: a web process takes the app\'s address, a worker runs in the background.'))));
  };

  panel.append(
    h('div', { class: 'section-head' }, h('h2', null, 'Processes'),
      h('p', { class: 'muted' }, 'Every process runs the current release\'s image with its environment. Scaling starts or stops replicas at once; '
        + 'a new or changed process makes a new release of the same image (no rebuild).')),
    note,
    list,
    createForm(ctx, () => latest, load),
    releaseCommandCard(ctx));

  poll(load, POLL_MS, ctx.signal);
}

function processCard(initial, ctx, { load, scaling }) {
  const name = initial.name;
  const titleId = `process-${name}-title`;
  const head = h('div', { class: 'process-head' });
  const facts = h('dl', { class: 'facts process-facts' });
  const replicas = h('div', { class: 'replica-rows' });
  const input = h('input', {
    type: 'number', name: 'replicas', id: `scale-${name}`, min: 0, max: 20, step: 1, inputmode: 'numeric',
    'aria-describedby': `scale-${name}-hint scale-${name}-error`,
  });
  input.value = initial.replicas;
  let dirty = false;
  input.addEventListener('input', () => { dirty = true; });
  const scaleForm = h('form', { class: 'scale-form', novalidate: true, 'aria-label': `Scale ${name}` },
    h('div', { class: 'field', 'data-field': 'replicas' },
      h('label', { for: `scale-${name}` }, `Replicas of ${name}`),
      h('div', { class: 'scale-row' }, input, h('button', { type: 'submit', class: 'button button-primary', 'aria-label': `Apply scale of ${name}` }, 'Apply')),
      h('p', { class: 'hint', id: `scale-${name}-hint` }, '0 to 20. 0 stops the process and keeps its definition.'),
      h('p', { class: 'field-error', id: `scale-${name}-error`, hidden: true })),
    formError());
  scaleForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const raw = input.value.trim();
    const wanted = raw === '' ? Number.NaN : Number(raw);
    const ok = await submitting(scaleForm, async () => {
      // Only what JSON cannot carry as a count is stopped here; the range is the API's to check.
      if (!Number.isInteger(wanted)) throw { title: 'Replicas not changed.', errors: { replicas: ['Give a whole number of replicas, 0 to 20.'] } };
      try {
        await api.post(appPath(ctx.appId, '/scale'), { [name]: wanted });
      } catch (error) {
        // The API names the field by the process ({"web": [...]}); this form calls it "replicas".
        const errors = {};
        for (const [k, v] of Object.entries(error.errors ?? {})) errors[k === name ? 'replicas' : k] = v;
        error.errors = errors;
        throw error;
      }
    });
    if (!ok) return;
    dirty = false;
    if (!ctx.app?.currentRelease) {
      toast(`Scale saved: ${name} gets ${wanted} ${wanted === 1 ? 'replica' : 'replicas'} from the first deploy.`, 'ok');
      await load();
      return;
    }
    scaling.set(name, wanted);
    toast(`Scaling ${name} to ${wanted} ${wanted === 1 ? 'replica' : 'replicas'} accepted: ${wanted === 0 ? 'stopping them' : 'starting or stopping replicas'}.`, 'busy');
    ctx.refresh();
    await load();
  });

  const edit = h('button', { type: 'button', class: 'button button-small', 'aria-label': `Edit ${name}` }, 'Edit');
  const remove = h('button', { type: 'button', class: 'button button-small button-danger-quiet', 'aria-label': `Delete ${name}` }, 'Delete');
  let current = initial;
  edit.addEventListener('click', async () => {
    const saved = await editDialog(current, ctx);
    if (saved) await load();
    else edit.focus();
  });
  remove.addEventListener('click', async () => {
    await confirmDialog({
      title: `Delete ${name}?`,
      message: `Its replicas stop once the new release (the same image, without ${name}) is live.`,
      confirmLabel: 'Delete process',
      danger: true,
      onConfirm: async () => {
        const result = await api.del(appPath(ctx.appId, `/processes/${encodeURIComponent(name)}`));
        announce(ctx, result, `Deleting ${name}`, !ctx.app?.currentRelease);
        await load();
      },
    });
  });
  const buttons = h('div', { class: 'row-buttons' }, edit, remove);

  const root = h('section', { class: 'card process-card', 'aria-labelledby': titleId, 'data-process': name },
    head, facts, h('div', { class: 'process-controls' }, scaleForm, buttons), replicas);

  return {
    root,
    update(p) {
      current = p;
      const ready = readyCount(p);
      patch(head, [p.kind, p.declaredBy, p.commandSource, ready, p.replicas], () => [
        h('h3', { id: titleId }, h('span', { class: 'mono' }, p.name), ' ', h('span', { class: 'process-tag' }, p.kind)),
        h('span', { class: 'process-ready', 'data-ready': ready, 'data-desired': p.replicas, 'aria-label': `${ready} of ${p.replicas} replicas ready` },
          badge(ready === p.replicas ? (p.replicas === 0 ? 'skipped' : 'running') : 'pending', 'Replicas'), ` ${ready} of ${p.replicas} ready`),
        origin(p) ? h('p', { class: 'muted small process-origin' }, origin(p)) : null]);
      patch(facts, [p.command, p.commandSource, p.limits, p.liveness, p.updateOrder, p.kind], () => [
        h('dt', null, 'Command'), h('dd', null, p.command ? h('code', { class: 'wrap' }, p.command) : h('span', { class: 'muted' }, 'image CMD'),
          p.commandSource === 'procfile' ? h('span', { class: 'muted small' }, ' (Procfile)') : null),
        h('dt', null, 'Limits'), h('dd', null, `${p.limits.memoryMb} MB memory · ${p.limits.cpus} CPU · ${p.limits.pids} processes`),
        h('dt', null, 'Liveness'), h('dd', null, p.kind === 'web'
          ? 'the app\'s HTTP health check'
          : p.liveness?.command ? h('code', { class: 'wrap' }, p.liveness.command) : h('span', { class: 'muted' }, 'none: restarted with backoff when it exits')),
        h('dt', null, 'Update order'), h('dd', null, p.updateOrder)]);
      if (!dirty && document.activeElement !== input) input.value = p.replicas;
      remove.hidden = p.declaredBy === 'procfile';
      patch(replicas, [p.replicaStatus.map((r) => [r.index, r.status, r.crashCount, r.restartCount, r.lastExitCode, r.lastReason, r.releaseId, r.containerId]),
        Math.floor(Date.now() / 30000)], () => replicaTable(p));
    },
  };
}

function replicaTable(p) {
  if (!p.replicaStatus.length) {
    return h('p', { class: 'muted small' }, p.replicas === 0 ? 'Scaled to 0: nothing runs.' : 'No replica has started yet: they start with the next deploy.');
  }
  return h('table', { class: 'responsive-table replica-table' },
    h('caption', { class: 'visually-hidden' }, `Replicas of ${p.name}`),
    h('thead', null, h('tr', null, ['Replica', 'Status', 'Crashes', 'Restarts', 'Last exit', 'Release', 'Updated'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, p.replicaStatus.map((r) => h('tr', { 'data-replica': r.index, 'data-status': r.status },
      h('th', { scope: 'row', 'data-label': 'Replica' }, h('span', { class: 'mono' }, `${p.name} #${r.index}`)),
      h('td', { 'data-label': 'Status' }, badge(r.status, `Replica ${r.index}`),
        r.status === 'crash-looping' && r.restartNotBefore ? h('span', { class: 'cell-note' }, 'next start ', timeAgo(r.restartNotBefore)) : null),
      h('td', { 'data-label': 'Crashes', class: 'num' }, String(r.crashCount)),
      h('td', { 'data-label': 'Restarts', class: 'num' }, String(r.restartCount)),
      h('td', { 'data-label': 'Last exit' }, r.lastExitCode === null || r.lastExitCode === undefined
        ? (r.lastReason ? h('span', { class: 'wrap' }, r.lastReason) : h('span', { class: 'muted' }, '—'))
        : [`code ${r.lastExitCode}`, r.lastReason ? h('span', { class: 'cell-note mono wrap' }, r.lastReason) : null]),
      h('td', { 'data-label': 'Release' }, h('span', { class: 'mono', title: r.releaseId ?? '' }, shortId(r.releaseId))),
      h('td', { 'data-label': 'Updated' }, timeAgo(r.updatedAt))))));
}

/** The whole new definition for PUT: what the dialog changed, the rest as it is (limits only where they differ from the app's). */
export function replacement(process, app, { command, replicas, liveness }) {
  const body = { kind: process.kind, replicas, updateOrder: process.updateOrder };
  if (command) body.command = command;
  if (process.kind !== 'web' && liveness) body.liveness = { command: liveness };
  const own = app?.limits;
  if (!own || own.memoryMb !== process.limits.memoryMb || own.cpus !== process.limits.cpus || own.pids !== process.limits.pids) body.limits = process.limits;
  return body;
}

function editDialog(process, ctx) {
  const fromElsewhere = process.commandSource === 'procfile' ? 'Leave empty to run the Procfile\'s command.' : 'Leave empty to run the image\'s CMD.';
  const fields = [
    field({ name: 'command', label: 'Command', multiline: true, spellcheck: false, value: process.commandSource === 'api' ? process.command : '',
      hint: `Run as sh -c, instead of the image's CMD. ${fromElsewhere}` }),
    field({ name: 'replicas', label: 'Replicas', type: 'number', min: 0, max: 20, value: process.replicas, inputmode: 'numeric' }),
  ];
  if (process.kind !== 'web') {
    fields.push(field({ name: 'liveness.command', label: 'Liveness command', spellcheck: false, value: process.liveness?.command ?? '',
      hint: 'Run inside each replica; exit 0 means alive. Empty: none, the worker is restarted when it exits.' }));
  }
  return formDialog({
    title: `Edit ${process.name}`,
    description: 'Saving makes a new release of the same image with this definition and rolls it out.',
    fields,
    submitLabel: 'Save and roll out',
    onSubmit: async (form) => {
      const values = {
        command: form.elements.command.value.trim(),
        replicas: form.elements.replicas.value.trim() === '' ? undefined : Number(form.elements.replicas.value),
        liveness: form.elements['liveness.command']?.value.trim(),
      };
      const result = await api.put(appPath(ctx.appId, `/processes/${encodeURIComponent(process.name)}`), replacement(process, ctx.app, values));
      announce(ctx, result, `Changing ${process.name}`, !ctx.app?.currentRelease);
      return true;
    },
  });
}

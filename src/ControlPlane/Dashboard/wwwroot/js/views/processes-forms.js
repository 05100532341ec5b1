// The processes tab's two forms: a new process, and the release command (run once per new release, before traffic moves).
import { h, patch } from '../dom.js';
import { api, appPath } from '../api.js';
import { field, selectField, formError, submitting } from '../components/forms.js';
import { confirmDialog } from '../components/dialogs.js';
import { toast } from '../components/toast.js';
import { followRelease } from '../components/release-follow.js';

/** The body of POST /processes from the form's values: empty fields left out, so the API's defaults apply. */
export function processRequest(values) {
  const body = { name: values.name, kind: values.kind };
  if (values.command) body.command = values.command;
  if (values.replicas !== '') body.replicas = Number(values.replicas);
  if (values.kind !== 'web' && values['liveness.command']) body.liveness = { command: values['liveness.command'] };
  if (values.kind !== 'web' && values.updateOrder) body.updateOrder = values.updateOrder;
  return body;
}

/** After a change was accepted: a release to follow, or a toast that says when it applies. */
export function announce(ctx, result, what, neverDeployed) {
  if (result?.release) {
    followRelease(ctx.appId, result.release, what);
    ctx.showProgress(result.release);
  } else if (neverDeployed) {
    toast(`${what} saved: the app was never deployed, so it applies from the first deploy.`, 'ok');
  }
  ctx.refresh();
}

export function createForm(ctx, processes, reload) {
  const form = h('form', { class: 'card settings-form', novalidate: true, 'aria-labelledby': 'process-create-title' },
    h('h3', { id: 'process-create-title' }, 'Create a process'),
    h('div', { class: 'settings-grid' },
      field({ name: 'name', label: 'Name', required: true, autocomplete: 'off', spellcheck: false, placeholder: 'worker',
        hint: 'Lower-case letters, digits and -.' }),
      selectField({ name: 'kind', label: 'Kind', value: 'worker',
        options: ['worker', 'web'],
        hint: 'A worker has no port and runs in the background; web takes the app\'s address (at most one).' }),
      field({ name: 'replicas', label: 'Replicas', type: 'number', min: 0, max: 20, value: 1, inputmode: 'numeric', hint: '0 to 20.' }),
      field({ name: 'command', label: 'Command', spellcheck: false, placeholder: 'the image\'s CMD',
        hint: 'Run as sh -c. Empty: the Procfile\'s command for this name, else the image\'s CMD.' }),
      field({ name: 'liveness.command', label: 'Liveness command (worker)', spellcheck: false,
        hint: 'Optional; run inside each replica, exit 0 means alive. Without one a worker is restarted when it exits.' }),
      selectField({ name: 'updateOrder', label: 'Update order (worker)', value: 'start-first',
        options: ['start-first', 'stop-first'],
        hint: 'start-first: the new replica runs before the old stops; stop-first: never two at once. Web is always start-first.' })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Create process')),
    formError());

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = Object.fromEntries([...form.elements].filter((el) => el.name).map((el) => [el.name, el.value.trim()]));
    const body = processRequest(values);
    let result;
    const ok = await submitting(form, async () => { result = await api.post(appPath(ctx.appId, '/processes'), body); });
    if (!ok) return;
    const isFirst = !processes().length;
    announce(ctx, result, `Creating ${body.name}`, !ctx.app?.currentRelease);
    if (!result?.release && ctx.app?.currentRelease) toast(`${body.name} created.`, 'ok');
    form.reset();
    form.elements.replicas.value = '1';
    await reload();
    if (isFirst) form.elements.name.focus();
  });
  return form;
}

export function releaseCommandCard(ctx) {
  const now = h('div', { class: 'release-command-now' }, h('p', { class: 'loading' }, 'Loading…'));
  const clear = h('button', { type: 'button', class: 'button button-danger-quiet', hidden: true }, 'Clear');
  const form = h('form', { class: 'settings-form', novalidate: true, 'aria-label': 'Set the release command' },
    h('div', { class: 'settings-grid' },
      field({ name: 'command', label: 'Release command', spellcheck: false, placeholder: './migrate', autocomplete: 'off' }),
      field({ name: 'timeoutSeconds', label: 'Timeout (s)', type: 'number', min: 1, max: 3600, value: 600, inputmode: 'numeric',
        hint: 'A release whose command runs longer fails.' })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Save release command'), ' ', clear),
    formError());
  const card = h('section', { class: 'card', 'aria-labelledby': 'release-command-title' },
    h('h3', { id: 'release-command-title' }, 'Release command'),
    h('p', { class: 'muted' }, 'Run once per new release (deploy, environment or process change, rollback) in a fresh container, before its processes '
      + 'take over; if it fails or times out, the release fails and the old one keeps serving. Saving starts nothing: the next release runs it.'),
    now, form);

  const show = (rc) => {
    patch(now, [rc.command, rc.source, rc.timeoutSeconds], () => (rc.command
      ? h('p', null, 'Now: ', h('code', { class: 'wrap' }, rc.command), ` · timeout ${rc.timeoutSeconds} s`,
        rc.source === 'procfile' ? h('span', { class: 'muted' }, ' · from the Procfile\'s release: entry') : null)
      : h('p', { class: 'muted' }, 'None: releases go live without one.')));
    clear.hidden = rc.source !== 'api';
    if (document.activeElement !== form.elements.command) form.elements.command.value = rc.source === 'api' ? rc.command : '';
    if (document.activeElement !== form.elements.timeoutSeconds) form.elements.timeoutSeconds.value = rc.timeoutSeconds;
  };
  const load = async () => {
    try {
      show(await api.get(appPath(ctx.appId, '/release-command'), { signal: ctx.signal }));
    } catch (error) {
      if (!ctx.signal.aborted) patch(now, `err:${error.message}`, () => h('p', { class: 'form-error', role: 'alert' }, error.message));
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const command = form.elements.command.value.trim();
    const timeout = form.elements.timeoutSeconds.value.trim();
    let rc;
    const ok = await submitting(form, async () => {
      rc = await api.put(appPath(ctx.appId, '/release-command'), { command: command === '' ? null : command, timeoutSeconds: timeout === '' ? null : Number(timeout) });
    });
    if (!ok) return;
    show(rc);
    toast(`Release command saved: the next release runs ${rc.command} before it goes live.`, 'ok');
  });
  clear.addEventListener('click', async () => {
    await confirmDialog({
      title: 'Clear the release command?',
      message: 'The next release goes live without running it (a Procfile release: entry, if the image has one, still runs).',
      confirmLabel: 'Clear release command',
      danger: true,
      onConfirm: async () => {
        const rc = await api.del(appPath(ctx.appId, '/release-command'));
        show(rc);
        toast(rc.command ? `Release command cleared: the Procfile's (${rc.command}) runs from the next release.` : 'Release command cleared: the next release goes live without one.', 'ok');
      },
    });
  });
  load();
  return card;
}

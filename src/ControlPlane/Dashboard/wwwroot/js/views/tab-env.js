// Environment variables: names listed, values masked; reveal one on demand; add, edit, remove. Each change is a new release.
import { h } from '../dom.js';
import { api, appPath } from '../api.js';
import { timeAgo } from '../format.js';
import { field, formError, submitting } from '../components/forms.js';
import { formDialog, confirmDialog } from '../components/dialogs.js';
import { toast } from '../components/toast.js';
import { followRelease } from '../components/release-follow.js';

const MASK = '••••••••';

export async function mount(panel, ctx) {
  const list = h('div', null, h('p', { class: 'loading' }, 'Loading variables…'));
  const form = h('form', { class: 'inline-form card', novalidate: true, 'aria-labelledby': 'env-add-title' },
    h('h3', { id: 'env-add-title' }, 'Add or update a variable'),
    h('div', { class: 'inline-fields' },
      field({ name: 'key', label: 'Name', required: true, autocomplete: 'off', spellcheck: false, placeholder: 'DATABASE_URL' }),
      field({ name: 'value', label: 'Value', required: true, autocomplete: 'off', spellcheck: false, type: 'password' }),
      h('div', { class: 'inline-submit' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Save variable'))),
    formError());
  panel.append(h('div', { class: 'section-head' }, h('h2', null, 'Environment'),
    h('p', { class: 'muted' }, 'Values are encrypted at rest and masked here. Every change makes a new release and rolls it out.')), form, list);

  const set = async (key, value) => {
    let result;
    try {
      result = await api.post(appPath(ctx.appId, '/env'), { vars: { [key]: value } });
    } catch (error) {
      // Field errors come back as "vars.KEY"; show them on the form's own fields.
      const errors = {};
      for (const [k, v] of Object.entries(error.errors ?? {})) errors[k.startsWith('vars.') ? 'key' : k] = v;
      error.errors = errors;
      throw error;
    }
    const what = value === null ? `Removing ${key}` : `Setting ${key}`;
    if (result?.release) {
      followRelease(ctx.appId, result.release, what);
      ctx.showProgress(result.release);
    } else {
      toast(`${key} ${value === null ? 'removed' : 'saved'}: the app was never deployed, so it applies from the first deploy.`, 'ok');
    }
    ctx.refresh();
  };

  const load = async () => {
    let vars;
    try {
      vars = await api.get(appPath(ctx.appId, '/env'), { signal: ctx.signal });
    } catch (error) {
      if (!ctx.signal.aborted) list.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, error.message));
      return;
    }
    list.replaceChildren(vars.length ? table(vars, ctx, set, load) : h('div', { class: 'empty' },
      h('h3', null, 'No variables'), h('p', null, 'Add one above; the app gets it as an environment variable.')));
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = form.elements.key.value.trim();
    const value = form.elements.value.value;
    if (!form.reportValidity()) return;
    if (await submitting(form, () => set(key, value))) {
      form.reset();
      await load();
      form.elements.key.focus();
    }
  });

  await load();
}

function table(vars, ctx, set, reload) {
  return h('table', { class: 'responsive-table env-table' },
    h('caption', { class: 'visually-hidden' }, 'Environment variables'),
    h('thead', null, h('tr', null, ['Name', 'Value', 'Updated', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, vars.map((v) => row(v, ctx, set, reload))));
}

function row(variable, ctx, set, reload) {
  const { key } = variable;
  const value = h('code', { class: 'env-value masked', 'aria-label': `${key} value hidden` }, MASK);
  const reveal = h('button', { type: 'button', class: 'button button-small', 'aria-pressed': 'false', 'aria-label': `Reveal ${key}` }, 'Reveal');
  reveal.addEventListener('click', async () => {
    if (reveal.getAttribute('aria-pressed') === 'true') {
      value.textContent = MASK;
      value.classList.add('masked');
      value.setAttribute('aria-label', `${key} value hidden`);
      reveal.textContent = 'Reveal';
      reveal.setAttribute('aria-pressed', 'false');
      reveal.setAttribute('aria-label', `Reveal ${key}`);
      return;
    }
    try {
      const result = await api.get(appPath(ctx.appId, `/env/${encodeURIComponent(key)}`));
      value.textContent = result.value === '' ? '(empty)' : result.value;
      value.classList.remove('masked');
      value.removeAttribute('aria-label');
      reveal.textContent = 'Hide';
      reveal.setAttribute('aria-pressed', 'true');
      reveal.setAttribute('aria-label', `Hide ${key}`);
    } catch (error) {
      toast(`Could not reveal ${key}: ${error.message}`, 'bad');
    }
  });
  const edit = h('button', { type: 'button', class: 'button button-small', 'aria-label': `Edit ${key}` }, 'Edit');
  edit.addEventListener('click', async () => {
    let current = '';
    try {
      current = (await api.get(appPath(ctx.appId, `/env/${encodeURIComponent(key)}`))).value;
    } catch {
      // Editing still works without the old value.
    }
    const saved = await formDialog({
      title: `Edit ${key}`,
      description: 'Saving makes a new release with the new value.',
      fields: [field({ name: 'value', label: 'Value', multiline: true, value: current, spellcheck: false })],
      // The table is fresh before the dialog closes: a click right after it (Reveal) reaches the new row, not one about to be replaced.
      onSubmit: async (form) => { await set(key, form.elements.value.value); await reload(); return true; },
    });
    if (!saved) edit.focus();
  });
  const remove = h('button', { type: 'button', class: 'button button-small button-danger-quiet', 'aria-label': `Remove ${key}` }, 'Remove');
  remove.addEventListener('click', async () => {
    await confirmDialog({
      title: `Remove ${key}?`,
      message: 'The app is rolled out again without it.',
      confirmLabel: 'Remove variable',
      danger: true,
      onConfirm: async () => { await set(key, null); await reload(); },
    });
  });
  return h('tr', { 'data-key': key },
    h('th', { scope: 'row', 'data-label': 'Name' }, h('code', { class: 'env-key' }, key)),
    h('td', { 'data-label': 'Value', class: 'env-value-cell' }, value),
    h('td', { 'data-label': 'Updated' }, timeAgo(variable.updatedAt)),
    h('td', { 'data-label': 'Actions', class: 'row-actions' }, h('div', { class: 'row-buttons' }, reveal, edit, remove)));
}

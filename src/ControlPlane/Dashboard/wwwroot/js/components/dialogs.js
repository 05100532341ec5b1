// Modal <dialog>s: the browser makes the rest of the page inert (focus stays inside) and Escape closes them.
import { h } from '../dom.js';
import { formError, submitting } from './forms.js';

/** Opens a modal with a form. `onSubmit(form, dialog)` may throw an ApiError, shown in the dialog. Resolves with the result or null. */
export function formDialog({ title, description, fields = [], submitLabel = 'Save', danger = false, onSubmit, wide = false, extra }) {
  return new Promise((resolve) => {
    let result = null;
    const form = h('form', { method: 'dialog', class: 'dialog-form', novalidate: true },
      h('h2', { class: 'dialog-title' }, title),
      description ? h('p', { class: 'dialog-description' }, description) : null,
      ...fields,
      extra ?? null,
      formError(),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'button button-quiet', value: 'cancel', 'data-close': '' }, 'Cancel'),
        h('button', { type: 'submit', class: danger ? 'button button-danger' : 'button button-primary' }, submitLabel)));
    const dialog = h('dialog', { class: wide ? 'dialog dialog-wide' : 'dialog', 'aria-label': title }, form);
    form.querySelector('[data-close]').addEventListener('click', () => dialog.close());
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!form.reportValidity()) return;
      const ok = await submitting(form, async () => { result = await onSubmit(form, dialog); });
      if (ok) dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    (form.querySelector('input:not([readonly]), textarea, select') ?? form.querySelector('button[type=submit]'))?.focus();
  });
}

/** A yes/no question; with `typeToConfirm`, the confirm button stays disabled until that exact text is typed. */
export function confirmDialog({ title, message, confirmLabel = 'Confirm', danger = false, typeToConfirm, onConfirm }) {
  let input = null;
  const fields = [];
  if (typeToConfirm) {
    input = h('input', { name: 'confirm', id: 'confirm-input', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none',
      'aria-describedby': 'confirm-hint' });
    fields.push(h('div', { class: 'field' },
      h('label', { for: 'confirm-input' }, 'Type ', h('code', null, typeToConfirm), ' to confirm'),
      input,
      h('p', { class: 'hint', id: 'confirm-hint' }, 'This cannot be undone.')));
  }
  const promise = formDialog({
    title,
    description: message,
    fields,
    submitLabel: confirmLabel,
    danger,
    onSubmit: async () => {
      if (typeToConfirm && input.value !== typeToConfirm) throw { title: `Type ${typeToConfirm} exactly to confirm.` };
      if (onConfirm) await onConfirm();
      return true;
    },
  });
  if (input) {
    const button = input.closest('form').querySelector('button[type=submit]');
    const sync = () => { button.disabled = input.value !== typeToConfirm; };
    input.addEventListener('input', sync);
    sync();
  }
  return promise.then((r) => r === true);
}

/** Shows read-only text (a build log, a JSON document) in a scrolling <pre>. */
export function textDialog({ title, text }) {
  const dialog = h('dialog', { class: 'dialog dialog-wide', 'aria-label': title },
    h('h2', { class: 'dialog-title' }, title),
    h('pre', { class: 'code-block', tabindex: '0' }, text),
    h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'button button-primary', 'data-close': '' }, 'Close')));
  dialog.querySelector('[data-close]').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  dialog.querySelector('[data-close]').focus();
}

// Form fields with labels and hints, and RFC 9457 problems shown next to the form (and the field) that caused them.
import { h, uid } from '../dom.js';

/** A labelled input. `multiline` makes a textarea; `hint` is tied to the input with aria-describedby. */
export function field({ name, label, type = 'text', value, required, placeholder, hint, autocomplete, pattern, min, max,
  inputmode, multiline, readonly, accept, spellcheck }) {
  const id = uid(`f-${name.replace(/[^a-z0-9]/gi, '')}`);
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const props = {
    id, name, required, placeholder, autocomplete, pattern, min, max, inputmode, readonly, accept,
    spellcheck: spellcheck === undefined ? undefined : String(spellcheck),
    'aria-describedby': [hintId, errorId].filter(Boolean).join(' '),
  };
  const input = multiline ? h('textarea', { ...props, rows: 3 }) : h('input', { ...props, type });
  if (value !== undefined && value !== null) input.value = value;
  return h('div', { class: 'field', 'data-field': name },
    h('label', { for: id }, label, required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null),
    input,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: errorId, hidden: true }));
}

/** A labelled <select>; `options` are values, or [value, text] pairs. */
export function selectField({ name, label, options, value, hint }) {
  const id = uid(`f-${name.replace(/[^a-z0-9]/gi, '')}`);
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const select = h('select', { id, name, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') },
    options.map((o) => {
      const [v, text] = Array.isArray(o) ? o : [o, o];
      return h('option', { value: v, selected: v === value }, text);
    }));
  return h('div', { class: 'field', 'data-field': name },
    h('label', { for: id }, label),
    select,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: errorId, hidden: true }));
}

export function formError() {
  return h('div', { class: 'form-error', role: 'alert', hidden: true });
}

export function clearProblem(form) {
  form.querySelectorAll('.field-error').forEach((p) => { p.hidden = true; p.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  const box = form.querySelector('.form-error');
  if (box) { box.hidden = true; box.replaceChildren(); }
}

/** Shows an ApiError (or any Error) on the form: per-field messages under their inputs, the rest in the form's alert. */
export function showProblem(form, error) {
  clearProblem(form);
  const box = form.querySelector('.form-error');
  const unplaced = [];
  let firstInvalid = null;
  for (const [key, messages] of Object.entries(error?.errors ?? {})) {
    const text = [messages].flat().join(' ');
    const input = [...(form.elements ?? [])].find((el) => el.name && el.name.toLowerCase() === key.toLowerCase());
    const holder = input?.closest('.field')?.querySelector('.field-error');
    if (holder) {
      holder.textContent = text;
      holder.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      firstInvalid ??= input;
    } else {
      unplaced.push(`${key}: ${text}`);
    }
  }
  if (box) {
    const hasFieldErrors = firstInvalid !== null;
    box.append(h('strong', null, error?.title ?? 'Something went wrong.'));
    if (error?.detail && error.detail !== error.title) box.append(' ', error.detail);
    else if (!error?.title && error?.message) box.append(' ', error.message);
    if (unplaced.length) box.append(h('ul', null, unplaced.map((u) => h('li', null, u))));
    if (!hasFieldErrors || unplaced.length || error?.title) box.hidden = false;
  }
  (firstInvalid ?? box)?.focus?.();
}

/** Disables a form's controls while `work` runs; shows its error on the form. Returns true on success. */
export async function submitting(form, work) {
  const controls = [...form.querySelectorAll('button, input, textarea, select')].filter((c) => !c.disabled);
  const release = () => {
    controls.forEach((c) => { c.disabled = false; });
    form.removeAttribute('aria-busy');
  };
  controls.forEach((c) => { c.disabled = true; });
  form.setAttribute('aria-busy', 'true');
  clearProblem(form);
  try {
    await work();
    release();
    return true;
  } catch (error) {
    release();
    showProblem(form, error);
    return false;
  }
}

// The cron job form's fields, with the schedule described in words and its next run times as it is typed (the server's
// preview: the same parser that will run it).
import { h, debounce } from '../dom.js';
import { api } from '../api.js';
import { field } from '../components/forms.js';
import { when } from '../format.js';
import { describeSchedule } from '../cron-words.js';

const POLICIES = [
  ['forbid', 'forbid: skip a time while the previous run still runs'],
  ['allow', 'allow: runs may overlap'],
  ['replace', 'replace: stop the running one, start the new one'],
];

export function jobForm(job) {
  const preview = h('div', { class: 'schedule-preview small', 'aria-live': 'polite' });
  const policy = h('select', { name: 'concurrencyPolicy', id: 'job-policy' },
    POLICIES.map(([value, text]) => h('option', { value, selected: (job?.concurrencyPolicy ?? 'forbid') === value }, text)));
  const fields = [
    field({ name: 'name', label: 'Name', required: true, value: job?.name, autocomplete: 'off', spellcheck: false, placeholder: 'nightly-report',
      hint: 'Lower-case letters, digits and "-".' }),
    field({ name: 'schedule', label: 'Schedule', required: true, value: job?.schedule, autocomplete: 'off', spellcheck: false, placeholder: '0 3 * * *' }),
    field({ name: 'timeZone', label: 'Time zone', value: job?.timeZone ?? 'UTC', autocomplete: 'off', spellcheck: false,
      hint: 'An IANA name: UTC, Europe/Berlin, America/New_York.' }),
    preview,
    field({ name: 'command', label: 'Command', required: true, multiline: true, value: job?.command, spellcheck: false,
      hint: 'Runs as /bin/sh -c <command> in the serving release\'s image.' }),
    h('div', { class: 'field', 'data-field': 'concurrencyPolicy' }, h('label', { for: 'job-policy' }, 'When a run is still running'), policy,
      h('p', { class: 'field-error', hidden: true })),
    h('details', { class: 'advanced' }, h('summary', null, 'Timeout and starting deadline'),
      field({ name: 'timeoutSeconds', label: 'Timeout (seconds)', type: 'number', min: 1, max: 86400, value: job?.timeoutSeconds, placeholder: '3600',
        hint: 'SIGTERM after this long, then killed 10 s later. At most 24 h.' }),
      field({ name: 'startingDeadlineSeconds', label: 'Starting deadline (seconds)', type: 'number', min: 1, max: 86400, value: job?.startingDeadlineSeconds,
        hint: 'A start this late (the platform was down) is recorded as missed instead. Empty: always run late.' })),
  ];
  const refresh = debounce(async () => {
    const form = preview.closest('form');
    if (!form) return;
    // The server's message from the last submit no longer applies once the value changed.
    for (const name of ['schedule', 'timeZone']) {
      const input = form.elements[name];
      input.removeAttribute('aria-invalid');
      const error = input.closest('.field')?.querySelector('.field-error');
      if (error) { error.hidden = true; error.textContent = ''; }
    }
    const schedule = form.elements.schedule.value.trim();
    const timeZone = form.elements.timeZone.value.trim() || 'UTC';
    if (!schedule) { preview.replaceChildren(); return; }
    try {
      const result = await api.get(`/api/cron/preview?schedule=${encodeURIComponent(schedule)}&timeZone=${encodeURIComponent(timeZone)}`);
      preview.replaceChildren(h('strong', null, await describeSchedule(schedule, timeZone)),
        h('span', { class: 'muted' }, ` · next: ${result.nextRuns.slice(0, 3).map(when).join(', ')}`));
      preview.dataset.valid = 'true';
    } catch (error) {
      const messages = Object.values(error.errors ?? {}).flat();
      preview.replaceChildren(h('span', { class: 'form-error-text' }, messages.join(' ') || error.message));
      preview.dataset.valid = 'false';
    }
  }, 250);
  queueMicrotask(() => {
    const form = preview.closest('form');
    form?.elements.schedule.addEventListener('input', refresh);
    form?.elements.timeZone.addEventListener('input', refresh);
    refresh();
  });
  return fields;
}

export function readJobForm(form) {
  const v = (name) => form.elements[name].value.trim();
  const body = { name: v('name'), schedule: v('schedule'), timeZone: v('timeZone') || 'UTC', command: form.elements.command.value, concurrencyPolicy: v('concurrencyPolicy') };
  if (v('timeoutSeconds')) body.timeoutSeconds = Number(v('timeoutSeconds'));
  if (v('startingDeadlineSeconds')) body.startingDeadlineSeconds = Number(v('startingDeadlineSeconds'));
  return body;
}

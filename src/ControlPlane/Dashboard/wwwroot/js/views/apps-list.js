// The apps list: every app with its status, address, release, last deploy, health and restarts; create an app.
import { h, patch } from '../dom.js';
import { api, appPath } from '../api.js';
import { navigate } from '../router.js';
import { badge, appBadge, timeAgo, shortId } from '../format.js';
import { field, selectField } from '../components/forms.js';
import { formDialog } from '../components/dialogs.js';
import { poll } from '../components/poll.js';

const LIST_POLL_MS = 5000;

export function showAppsList({ outlet, signal, create = false }) {
  document.title = 'Apps · PersonalCloud';
  const createButton = h('a', { href: '/apps/new', class: 'button button-primary', 'data-focus-key': 'create' },
    h('span', { 'aria-hidden': 'true' }, '+ '), 'Create app');
  const body = h('div', { class: 'apps-body', 'aria-live': 'off' }, h('p', { class: 'loading' }, 'Loading apps…'));
  const updated = h('p', { class: 'muted small', 'aria-live': 'off' });
  outlet.replaceChildren(h('section', { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Apps'), createButton),
    body,
    updated));

  const health = new Map();
  let apps = null;

  const refresh = async () => {
    try {
      apps = await api.get('/api/apps', { signal });
    } catch (error) {
      if (signal.aborted) return;
      patch(body, `error:${error.message}`, () => h('p', { class: 'form-error', role: 'alert' }, `The apps could not be loaded: ${error.message}`));
      return;
    }
    // Health is per app; fetched alongside, and a failure only blanks that cell.
    await Promise.all(apps.map(async (app) => {
      try {
        const result = await api.get(appPath(app.id, '/health'), { signal });
        health.set(app.id, result.lastStatus ?? null);
      } catch {
        health.set(app.id, undefined);
      }
    }));
    if (signal.aborted) return;
    renderList(body, apps, health);
    updated.textContent = `Updated ${new Date().toLocaleTimeString()} · refreshes every ${LIST_POLL_MS / 1000} s`;
  };

  poll(refresh, LIST_POLL_MS, signal);

  if (create) {
    openCreateDialog().then((created) => {
      if (signal.aborted) return;
      if (created) {
        navigate(`/apps/${created.id}`);
        return;
      }
      // The list is already underneath: only the address changes back, and focus returns to the button that opened it.
      history.replaceState(null, '', '/');
      createButton.focus();
    });
  }
}

function renderList(body, apps, health) {
  if (apps.length === 0) {
    patch(body, 'empty', () => h('div', { class: 'empty' },
      h('p', { class: 'empty-icon', 'aria-hidden': 'true' }, '◇'),
      h('h2', null, 'No apps yet'),
      h('p', null, 'Create an app, then deploy a Docker image or upload a source tarball. It gets its own address, network and logs.'),
      h('a', { href: '/apps/new', class: 'button button-primary' }, 'Create your first app')));
    return;
  }
  let table = body.querySelector('table.apps-table');
  if (!table) {
    table = h('table', { class: 'apps-table responsive-table' },
      h('caption', { class: 'visually-hidden' }, 'Your apps'),
      h('thead', null, h('tr', null,
        ['App', 'Status', 'Address', 'Release', 'Last deploy', 'Health', 'Restarts'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody'));
    body.dataset.sig = 'table';
    body.replaceChildren(table);
  }
  const tbody = table.tBodies[0];
  const rows = new Map([...tbody.rows].map((r) => [r.dataset.id, r]));
  apps.forEach((app, index) => {
    let row = rows.get(app.id);
    if (!row) {
      row = h('tr', { 'data-id': app.id, 'data-app-name': app.name },
        ...['name', 'status', 'address', 'release', 'deployed', 'health', 'restarts'].map((k, i) =>
          h(i === 0 ? 'th' : 'td', { scope: i === 0 ? 'row' : undefined, 'data-label': ['App', 'Status', 'Address', 'Release', 'Last deploy', 'Health', 'Restarts'][i], 'data-cell': k })));
    }
    rows.delete(app.id);
    if (tbody.rows[index] !== row) tbody.insertBefore(row, tbody.rows[index] ?? null);
    fillRow(row, app, health.get(app.id));
  });
  rows.forEach((row) => row.remove());
}

function cell(row, key) {
  return row.querySelector(`[data-cell="${key}"]`);
}

function fillRow(row, app, healthStatus) {
  patch(cell(row, 'name'), app.name, () => h('a', { href: `/apps/${app.id}`, class: 'app-link', 'data-focus-key': `app-${app.id}` }, app.name));
  const failed = app.lastFailedRelease?.release;
  const note = failed ? `release ${shortId(failed.id)} failed at ${failed.failedStage ?? 'starting'}: ${failed.failureReason ?? ''}` : app.lastError;
  const jobs = (app.jobAlerts ?? []).map((a) => `job ${a.jobName}: ${a.reason}`);
  patch(cell(row, 'status'), [app.status, note, jobs], () => [appBadge(app),
    note ? h('span', { class: 'cell-note', title: note }, note) : null,
    ...jobs.map((text) => h('span', { class: 'cell-note job-alert', role: 'note', title: text }, `⚠ ${text}`))]);
  patch(cell(row, 'address'), app.url, () => h('a', { href: app.url, 'data-external': '', target: '_blank', rel: 'noopener', class: 'mono' },
    app.generatedHostname ?? app.url, h('span', { class: 'visually-hidden' }, ' (opens in a new tab)')));
  const rel = app.currentRelease;
  patch(cell(row, 'release'), rel ? [rel.id, rel.image] : null, () => (rel
    ? [h('span', { class: 'mono', title: rel.id }, shortId(rel.id)), h('span', { class: 'cell-note mono', title: rel.image }, rel.image)]
    : h('span', { class: 'muted' }, 'not deployed')));
  patch(cell(row, 'deployed'), [app.lastDeployedAt, Math.floor(Date.now() / 30000)], () => timeAgo(app.lastDeployedAt));
  patch(cell(row, 'health'), String(healthStatus), () => (healthStatus ? badge(healthStatus, 'Health') : h('span', { class: 'muted' }, '—')));
  patch(cell(row, 'restarts'), String(app.restartCount), () => h('span', { class: app.restartCount > 0 ? 'num warn' : 'num' }, String(app.restartCount)));
}

/** The templates an app can be made from (usable ones only); none when they cannot be read: the dialog still works without. */
async function usableTemplates() {
  try {
    return (await api.get('/api/templates')).filter((t) => t.usable);
  } catch {
    return [];
  }
}

/** Picking a template shows what it brings; fields filled in below win over it. */
function templateField(templates) {
  const select = selectField({ name: 'template', label: 'Template (optional)',
    options: [['', 'None: set it up yourself'], ...templates.map((t) => [t.name, t.name])],
    hint: 'Settings, processes, volumes, add-ons and env to start from. What you fill in below wins.' });
  const about = h('p', { class: 'hint template-about', 'aria-live': 'polite' });
  select.querySelector('select').addEventListener('change', (event) => {
    const chosen = templates.find((t) => t.name === event.target.value);
    about.textContent = chosen
      ? [chosen.description, chosen.generatedEnv.length ? `Generates ${chosen.generatedEnv.join(', ')} for this app.` : ''].filter(Boolean).join(' ')
      : '';
  });
  return [select, about];
}

/** The create-app dialog; resolves with the created app or null. */
export async function openCreateDialog() {
  const templates = await usableTemplates();
  return formDialog({
    title: 'Create an app',
    description: 'An app gets its own isolated network and the address <name>.<base domain>. You can deploy it now or later.',
    submitLabel: 'Create app',
    fields: [
      field({ name: 'name', label: 'Name', required: true, autocomplete: 'off', spellcheck: false, placeholder: 'my-app',
        hint: 'Lower-case letters, digits and "-"; it becomes part of the address.' }),
      ...(templates.length ? templateField(templates) : []),
      field({ name: 'image', label: 'Image (optional)', autocomplete: 'off', spellcheck: false, placeholder: 'pcloud/hello:1',
        hint: 'A Docker image the engine has or can pull. Leave empty to deploy later, or from source.' }),
      field({ name: 'port', label: 'Port (optional)', type: 'number', min: 1, max: 65535, inputmode: 'numeric', placeholder: '8080',
        hint: 'The port the app listens on; defaults to the image\'s exposed port.' }),
      h('details', { class: 'advanced' }, h('summary', null, 'Health check and limits'),
        field({ name: 'healthCheck.path', label: 'Health-check path', placeholder: '/', autocomplete: 'off' }),
        field({ name: 'limits.memoryMb', label: 'Memory limit (MB)', type: 'number', min: 16, inputmode: 'numeric', placeholder: '256' })),
    ],
    onSubmit: async (form) => {
      const v = (name) => form.elements[name].value.trim();
      const request = { name: v('name') };
      if (form.elements.template?.value) request.template = form.elements.template.value;
      if (v('image')) request.image = v('image');
      if (v('port')) request.port = Number(v('port'));
      if (v('healthCheck.path')) request.healthCheck = { path: v('healthCheck.path') };
      if (v('limits.memoryMb')) request.limits = { memoryMb: Number(v('limits.memoryMb')) };
      return api.post('/api/apps', request);
    },
  });
}

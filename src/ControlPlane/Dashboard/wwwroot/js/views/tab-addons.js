// Add-ons: a managed Postgres server for the app (its state, its connection string masked with an audited reveal),
// added or removed with confirmation. Adding or removing one makes a new release with DATABASE_URL in or out.
import { h } from '../dom.js';
import { api, appPath } from '../api.js';
import { badge, timeAgo } from '../format.js';
import { confirmDialog } from '../components/dialogs.js';
import { toast } from '../components/toast.js';
import { followRelease } from '../components/release-follow.js';
import { poll } from '../components/poll.js';

const POLL_MS = 2000;

export async function mount(panel, ctx) {
  const body = h('div', null, h('p', { class: 'loading' }, 'Loading add-ons…'));
  panel.append(h('div', { class: 'section-head' }, h('h2', null, 'Add-ons'),
    h('p', { class: 'muted' }, 'A Postgres server of the app’s own, reachable only from its containers as host postgres. ' +
      'Its data lives in a volume that outlives the server.')), body);

  let shown = '';
  const load = async () => {
    let addons;
    try {
      addons = await api.get(appPath(ctx.appId, '/addons'), { signal: ctx.signal });
    } catch (error) {
      if (!ctx.signal.aborted) body.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, error.message));
      return;
    }
    // Redraw only on a change, so a revealed connection string stays revealed between polls.
    const key = JSON.stringify(addons.map((a) => [a.id, a.state, a.message]));
    if (key === shown) return;
    shown = key;
    const postgres = addons.find((a) => a.kind === 'postgres');
    body.replaceChildren(postgres ? card(postgres, ctx, load) : empty(ctx, load));
  };

  poll(load, POLL_MS, ctx.signal);
}

function empty(ctx, reload) {
  const add = h('button', { type: 'button', class: 'button button-primary' }, 'Add Postgres');
  add.addEventListener('click', async () => {
    const done = await confirmDialog({
      title: 'Add a Postgres database?',
      message: 'The platform starts a Postgres 15 server for this app and gives the app DATABASE_URL in a new release. ' +
        'A DATABASE_URL you set yourself in Environment wins.',
      confirmLabel: 'Add Postgres',
      onConfirm: async () => {
        const result = await api.post(appPath(ctx.appId, '/addons'), { kind: 'postgres' });
        if (result?.release) followRelease(ctx.appId, result.release, 'Adding DATABASE_URL');
      },
    });
    if (done) {
      toast('Postgres is being created.');
      ctx.refresh();
      await reload();
    }
  });
  return h('div', { class: 'empty' }, h('h3', null, 'No add-ons'),
    h('p', null, 'Give the app a database: it gets DATABASE_URL (postgres://…@postgres:5432/app) without a redeploy.'), add);
}

function card(addon, ctx, reload) {
  const value = h('code', { class: 'env-value masked', 'data-connection': '' }, addon.connectionString);
  const reveal = h('button', { type: 'button', class: 'button button-small', 'aria-pressed': 'false', 'aria-label': 'Reveal the connection string' }, 'Reveal');
  reveal.addEventListener('click', async () => {
    if (reveal.getAttribute('aria-pressed') === 'true') {
      value.textContent = addon.connectionString;
      value.classList.add('masked');
      reveal.textContent = 'Reveal';
      reveal.setAttribute('aria-pressed', 'false');
      return;
    }
    try {
      const result = await api.get(appPath(ctx.appId, `/addons/${addon.kind}/connection?reveal=true`));
      value.textContent = result.connectionString;
      value.classList.remove('masked');
      reveal.textContent = 'Hide';
      reveal.setAttribute('aria-pressed', 'true');
    } catch (error) {
      toast(`Could not reveal the connection string: ${error.message}`, 'bad');
    }
  });
  const remove = h('button', { type: 'button', class: 'button button-small button-danger-quiet' }, 'Remove Postgres');
  remove.addEventListener('click', async () => {
    const app = ctx.app;
    const done = await confirmDialog({
      title: 'Remove the Postgres add-on?',
      message: 'Its server stops and the app is rolled out again without DATABASE_URL. The data volume is kept (see docs/operations.md) ' +
        'until a final verified backup exists; a new add-on starts empty.',
      confirmLabel: 'Remove Postgres',
      danger: true,
      typeToConfirm: app?.name,
      onConfirm: async () => {
        const result = await api.del(appPath(ctx.appId, `/addons/${addon.kind}?confirm=${encodeURIComponent(app?.name ?? '')}`));
        if (result?.release) followRelease(ctx.appId, result.release, 'Removing DATABASE_URL');
      },
    });
    if (done) {
      toast('Postgres removed; its volume is kept.');
      ctx.refresh();
      await reload();
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'addon-postgres-title', 'data-addon': addon.kind },
    h('div', { class: 'section-head' }, h('h3', { id: 'addon-postgres-title' }, `Postgres ${addon.version}`), badge(addon.state, 'Add-on')),
    addon.message ? h('p', { class: addon.state === 'failed' ? 'form-error' : 'muted', role: addon.state === 'failed' ? 'alert' : null }, addon.message) : null,
    h('dl', { class: 'facts' },
      h('dt', null, 'Host'), h('dd', { class: 'mono' }, `${addon.host}:${addon.port} (the app’s network only)`),
      h('dt', null, 'Database'), h('dd', { class: 'mono' }, addon.database),
      h('dt', null, 'User'), h('dd', { class: 'mono' }, addon.user),
      h('dt', null, addon.envKey), h('dd', null, value, ' ', reveal,
        addon.envOverridden ? h('p', { class: 'hint' }, `The app sets ${addon.envKey} itself: its own value wins.`) : null),
      h('dt', null, 'Added'), h('dd', null, timeAgo(addon.createdAt)),
      addon.readyAt ? [h('dt', null, 'Ready since'), h('dd', null, timeAgo(addon.readyAt))] : null),
    h('div', { class: 'row-actions' }, remove));
}

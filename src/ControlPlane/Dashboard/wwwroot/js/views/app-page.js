// One app: a header with its status and actions, tabs for each aspect. The shell polls the app every 2 s and stays
// mounted while the user switches tabs, so focus and the header survive.
import { h, patch } from '../dom.js';
import { api, appPath } from '../api.js';
import { navigate } from '../router.js';
import { badge, appBadge, timeAgo } from '../format.js';
import { poll } from '../components/poll.js';
import { appActions } from './app-actions.js';
import { formError } from '../components/forms.js';
import { deployProgress } from '../components/deploy-progress.js';

const APP_POLL_MS = 2000;

const TABS = [
  { key: 'overview', label: 'Overview', load: () => import('./tab-overview.js') },
  { key: 'processes', label: 'Processes', load: () => import('./tab-processes.js') },
  { key: 'volumes', label: 'Volumes', load: () => import('./tab-volumes.js') },
  { key: 'releases', label: 'Releases', load: () => import('./tab-releases.js') },
  { key: 'env', label: 'Environment', load: () => import('./tab-env.js') },
  { key: 'addons', label: 'Add-ons', load: () => import('./tab-addons.js') },
  { key: 'domains', label: 'Domains', load: () => import('./tab-domains.js') },
  { key: 'logs', label: 'Logs', load: () => import('./tab-logs.js') },
  { key: 'jobs', label: 'Jobs & runs', load: () => import('./tab-jobs.js') },
  { key: 'health', label: 'Health', load: () => import('./tab-health.js') },
  { key: 'events', label: 'Events', load: () => import('./tab-events.js') },
  { key: 'settings', label: 'Settings', load: () => import('./tab-settings.js') },
  { key: 'internals', label: 'Under the hood', load: () => import('./internals.js') },
];

let shell = null;

export async function showAppPage({ outlet, params, signal }) {
  const appId = params.id;
  const tab = TABS.find((t) => t.key === (params.tab ?? 'overview'));
  if (!tab) {
    navigate(`/apps/${appId}`, { replace: true });
    return;
  }
  if (!shell || shell.appId !== appId || !outlet.contains(shell.root)) shell = buildShell(outlet, appId);
  shell.setTab(tab);

  const listeners = new Set();
  const ctx = {
    appId,
    signal,
    get app() { return shell.app; },
    onApp(fn) { listeners.add(fn); },
    refresh: () => shell.poller?.now(),
    showProgress: (release) => shell.showProgress(release),
  };
  shell.poller = poll(async () => {
    const app = await shell.load(signal);
    if (app && !signal.aborted) listeners.forEach((fn) => fn(app));
  }, APP_POLL_MS, signal);
  shell.ctx = ctx;

  const module = await tab.load();
  if (signal.aborted) return;
  shell.panel.replaceChildren();
  shell.panel.setAttribute('aria-busy', 'true');
  await module.mount(shell.panel, ctx);
  shell.panel.removeAttribute('aria-busy');
}

function buildShell(outlet, appId) {
  const title = h('h1', { class: 'app-title' }, 'App');
  const status = h('div', { class: 'app-status', 'aria-live': 'polite' });
  const address = h('p', { class: 'app-address' });
  const actionError = h('div', { class: 'action-problem' }, formError());
  // A cron job that fails, missed a start or was suspended by the platform is said above every tab: never silent.
  const jobAlerts = h('div', { class: 'job-alerts' });
  const tabs = h('nav', { class: 'tabs', 'aria-label': 'App sections' },
    h('ul', null, TABS.map((t) => h('li', null, h('a', { href: `/apps/${appId}${t.key === 'overview' ? '' : `/${t.key}`}`, 'data-tab': t.key }, t.label)))));
  const panel = h('section', { class: 'tab-panel', id: 'tab-panel' });
  const header = h('header', { class: 'app-header' },
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: '/' }, 'Apps'), h('span', { 'aria-hidden': 'true' }, ' / ')),
    h('div', { class: 'app-heading' }, title, status),
    address);
  const actions = h('div', { class: 'app-actions', role: 'group', 'aria-label': 'App actions' });
  // A deploy on its way (started here or anywhere else) shows its stages and build log above every tab.
  const progressSlot = h('div', { class: 'progress-slot' });
  const root = h('div', { class: 'page app-page' }, header, actions, actionError, jobAlerts, progressSlot, tabs, panel);
  outlet.replaceChildren(root);

  let progress = null;
  const state = {
    appId, root, panel, app: null, poller: null, ctx: null, gone: false,
    /** Shows the progress of `release` (a release response), replacing any shown before. */
    showProgress(release) {
      if (!release || progress?.releaseId === release.id) return;
      progress?.view.close();
      const view = deployProgress(appId, release, {
        onSettled: () => state.poller?.now(),
        onHide: () => {
          progress?.view.close();
          progressSlot.replaceChildren();
        },
      });
      progress = { releaseId: release.id, view };
      progressSlot.replaceChildren(view.element);
    },
    setTab(tab) {
      document.title = `${tab.label} · ${state.app?.name ?? 'App'} · PersonalCloud`;
      tabs.querySelectorAll('a').forEach((a) => {
        if (a.dataset.tab === tab.key) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      });
      state.tab = tab;
    },
    async load(signal) {
      let app;
      try {
        app = await api.get(appPath(appId), { signal });
      } catch (error) {
        if (signal.aborted) return null;
        if (error.status === 404) {
          state.gone = true;
          patch(status, 'gone', () => badge('deleting'));
          panel.replaceChildren(h('div', { class: 'empty' }, h('h2', null, 'This app does not exist (any more).'),
            h('p', null, h('a', { href: '/' }, 'Back to your apps'))));
          actions.replaceChildren();
          return null;
        }
        patch(address, `err:${error.message}`, () => h('span', { class: 'form-error' }, `Could not refresh: ${error.message}`));
        return null;
      }
      state.app = app;
      title.textContent = app.name;
      document.title = `${state.tab?.label ?? 'App'} · ${app.name} · PersonalCloud`;
      patch(status, [app.status, app.generation, app.observedGeneration, app.lastFailedRelease?.release.id], () => [appBadge(app),
        app.observedGeneration < app.generation ? h('span', { class: 'converging' }, '◐ converging') : null]);
      if (!root.isConnected) progress?.view.close();
      else if (app.deployingRelease) state.showProgress(app.deployingRelease);
      patch(address, [app.url, app.lastDeployedAt, Math.floor(Date.now() / 30000)], () => [
        h('a', { href: app.url, target: '_blank', rel: 'noopener', 'data-external': '', class: 'mono app-url' }, app.url,
          h('span', { class: 'visually-hidden' }, ' (opens in a new tab)')),
        h('span', { class: 'muted' }, ' · last deploy '), timeAgo(app.lastDeployedAt)]);
      patch(jobAlerts, app.jobAlerts ?? [], () => jobAlertBanner(appId, app.jobAlerts ?? []));
      if (!actions.childElementCount) actions.append(...appActions(state, actionError));
      return app;
    },
  };
  return state;
}

/** Jobs needing their owner, in words, with a link to the jobs tab. */
function jobAlertBanner(appId, alerts) {
  if (!alerts.length) return null;
  return h('div', { class: 'alert-banner tone-bad', role: 'alert' },
    h('strong', null, alerts.length === 1 ? 'A cron job needs you:' : `${alerts.length} cron jobs need you:`),
    h('ul', null, alerts.map((a) => h('li', { 'data-job-alert': a.kind }, h('span', { class: 'mono' }, a.jobName), ` ${a.reason}`))),
    h('a', { href: `/apps/${appId}/jobs` }, 'See the jobs'));
}

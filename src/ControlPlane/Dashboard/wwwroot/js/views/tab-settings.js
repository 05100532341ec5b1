// Settings: port, limits, security profile, health check and rollout, changed after creation. The API validates them
// as at creation (limits against the host); a deployed app rolls the change out as a new release, with zero downtime.
import { h } from '../dom.js';
import { api, appPath } from '../api.js';
import { field, formError, submitting } from '../components/forms.js';
import { toast } from '../components/toast.js';
import { followRelease } from '../components/release-follow.js';

// [field name (as the API names it in errors), label, type, hint, read from the app, how the patch carries it]
const FIELDS = [
  ['port', 'Port', 'number', 'The port the app listens on inside its container.', (a) => a.port],
  ['limits.memoryMb', 'Memory (MB)', 'number', 'Hard limit; an app above it is killed (out of memory). Up to what the host has.', (a) => a.limits.memoryMb],
  ['limits.cpus', 'CPUs', 'number', 'A share of the host\'s CPUs, e.g. 0.5.', (a) => a.limits.cpus],
  ['limits.pids', 'Processes', 'number', 'At most this many processes and threads.', (a) => a.limits.pids],
  ['healthCheck.path', 'Health-check path', 'text', 'Probed over HTTP on the container\'s own address.', (a) => a.healthCheck?.path],
  ['healthCheck.intervalSeconds', 'Check every (s)', 'number', null, (a) => a.healthCheck?.intervalSeconds],
  ['healthCheck.timeoutSeconds', 'Check timeout (s)', 'number', null, (a) => a.healthCheck?.timeoutSeconds],
  ['healthCheck.healthyThreshold', 'Passes before traffic', 'number', null, (a) => a.healthCheck?.healthyThreshold],
  ['healthCheck.unhealthyThreshold', 'Failures before a restart', 'number', null, (a) => a.healthCheck?.unhealthyThreshold],
  ['healthCheck.deployDeadlineSeconds', 'Deploy deadline (s)', 'number', 'A new release that is not healthy by then fails.', (a) => a.healthCheck?.deployDeadlineSeconds],
  ['rollout.drainSeconds', 'Drain (s)', 'number', 'How long an old container keeps running after traffic left it.', (a) => a.rollout?.drainSeconds],
  ['rollout.stopTimeoutSeconds', 'Stop timeout (s)', 'number', 'Between SIGTERM and SIGKILL.', (a) => a.rollout?.stopTimeoutSeconds],
];

/** The fields whose value differs from the app's, as a merge patch ({"limits":{"memoryMb":512}}). */
export function settingsPatch(app, values) {
  const patch = {};
  for (const [name, , type, , read] of FIELDS) {
    const raw = values[name];
    if (raw === undefined || raw === '') continue;
    const value = type === 'number' ? Number(raw) : raw;
    if (value === read(app)) continue;
    const [group, key] = name.split('.');
    if (key) (patch[group] ??= {})[key] = value;
    else patch[group] = value;
  }
  if (values.securityProfile && values.securityProfile !== app.securityProfile) patch.securityProfile = values.securityProfile;
  return patch;
}

export async function mount(panel, ctx) {
  const app = ctx.app ?? await api.get(appPath(ctx.appId), { signal: ctx.signal });
  const profile = h('select', { name: 'securityProfile', id: 'settings-profile' },
    ['default', 'strict'].map((p) => h('option', { value: p, selected: p === app.securityProfile }, p)));
  const form = h('form', { class: 'card settings-form', novalidate: true, 'aria-labelledby': 'settings-title' },
    h('h3', { id: 'settings-title' }, 'Runtime settings'),
    h('div', { class: 'settings-grid' },
      FIELDS.map(([name, label, type, hint, read]) => field({
        name, label, type, hint, value: read(app), spellcheck: type === 'text' ? false : undefined,
        placeholder: name === 'port' ? 'the image\'s EXPOSE' : undefined,
      })),
      h('div', { class: 'field', 'data-field': 'securityProfile' },
        h('label', { for: 'settings-profile' }, 'Security profile'), profile,
        h('p', { class: 'hint' }, 'strict drops every capability.'),
        h('p', { class: 'field-error', hidden: true }))),
    h('p', { class: 'muted' }, app.runAsRoot ? 'Runs as root (chosen at creation).' : 'Runs as a non-root user unless the image names one (chosen at creation).'),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Save and roll out')),
    formError());
  panel.append(h('div', { class: 'section-head' }, h('h2', null, 'Settings'),
    h('p', { class: 'muted' }, 'A change makes a new release of the same image and environment and rolls it out like a deploy.')), form);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = Object.fromEntries([...form.elements].filter((el) => el.name).map((el) => [el.name, el.value.trim()]));
    const patch = settingsPatch(ctx.app ?? app, values);
    if (Object.keys(patch).length === 0) {
      toast('Nothing changed.', 'ok');
      return;
    }
    let result;
    const ok = await submitting(form, async () => { result = await api.patch(appPath(ctx.appId), patch); });
    if (!ok) return;
    if (result?.release) {
      followRelease(ctx.appId, result.release, 'Settings change');
      ctx.showProgress(result.release);
    } else {
      toast('Settings saved: the app was never deployed, so they apply from the first deploy.', 'ok');
    }
    ctx.refresh();
  });
}

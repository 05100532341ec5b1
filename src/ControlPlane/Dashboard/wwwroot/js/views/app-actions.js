// The app's actions: deploy an image, upload a source tarball, restart, roll back, delete (typed confirmation).
import { h } from '../dom.js';
import { api, appPath } from '../api.js';
import { navigate } from '../router.js';
import { field, showProblem, clearProblem } from '../components/forms.js';
import { formDialog, confirmDialog } from '../components/dialogs.js';
import { toast } from '../components/toast.js';
import { followRelease, followRestart } from '../components/release-follow.js';

/** Says the change was accepted, then how it went; shows the release's progress on the page. */
function accepted(state, what, result) {
  if (result?.release) {
    followRelease(state.appId, result.release, what);
    state.showProgress?.(result.release);
  } else if (result) {
    followRestart(state.appId, result.generation, what);
  }
}

export function appActions(state, problemBox) {
  const id = state.appId;
  const run = async (work) => {
    clearProblem(problemBox);
    try {
      await work();
      state.poller?.now();
    } catch (error) {
      showProblem(problemBox, error);
    }
  };

  const deploy = () => formDialog({
    title: 'Deploy an image',
    description: 'A new release starts beside the current one; traffic switches when it is healthy.',
    submitLabel: 'Deploy',
    fields: [field({ name: 'image', label: 'Image', required: true, autocomplete: 'off', spellcheck: false,
      value: state.app?.currentRelease?.image ?? state.app?.image ?? '', placeholder: 'pcloud/hello:1' })],
    onSubmit: async (form) => {
      const result = await api.post(appPath(id, '/deploy'), { image: form.elements.image.value.trim() });
      accepted(state, 'Deploy', result);
      state.poller?.now();
      return result;
    },
  });

  const upload = () => formDialog({
    title: 'Deploy from source',
    description: 'A .tar.gz build context with a Dockerfile at its root (at most 64 MB). The engine builds it; the build log is kept with the release.',
    submitLabel: 'Upload and build',
    fields: [field({ name: 'body', label: 'Source tarball', type: 'file', required: true, accept: '.tar.gz,.tgz,application/gzip' })],
    onSubmit: async (form) => {
      const file = form.elements.body.files[0];
      if (!file) throw { title: 'Choose a .tar.gz file first.' };
      const result = await api.upload(appPath(id, '/deploy'), file, 'application/gzip');
      accepted(state, 'Build from source', result);
      state.poller?.now();
      return result;
    },
  });

  const restart = () => run(async () => {
    const result = await api.post(appPath(id, '/restart'));
    accepted(state, 'Restart', result);
  });

  const rollback = () => confirmDialog({
    title: 'Roll back?',
    message: 'A new release is made from the newest earlier release that went live (its image and environment), and rolled out.',
    confirmLabel: 'Roll back',
    onConfirm: async () => {
      const result = await api.post(appPath(id, '/rollback'), {});
      accepted(state, 'Rollback', result);
      state.poller?.now();
    },
  });

  const remove = async () => {
    const name = state.app?.name;
    if (!name) return;
    const done = await confirmDialog({
      title: `Delete ${name}?`,
      message: 'Its containers, network, route, environment variables, domains, logs and history are removed. Its volumes are not deleted at once: a final backup of each is taken first.',
      confirmLabel: 'Delete app',
      danger: true,
      typeToConfirm: name,
      // The typed name is the confirmation an app with volumes needs (?confirm=<name>).
      onConfirm: () => api.del(appPath(id, `?confirm=${encodeURIComponent(name)}`)),
    });
    if (done) {
      toast(`Deleting ${name}…`, 'busy');
      navigate('/');
    }
  };

  return [
    h('button', { type: 'button', class: 'button button-primary', onclick: deploy }, 'Deploy image…'),
    h('button', { type: 'button', class: 'button', onclick: upload }, 'Upload source…'),
    h('button', { type: 'button', class: 'button', onclick: restart }, 'Restart'),
    h('button', { type: 'button', class: 'button', onclick: rollback }, 'Roll back…'),
    h('button', { type: 'button', class: 'button button-danger-quiet', onclick: remove }, 'Delete…'),
  ];
}

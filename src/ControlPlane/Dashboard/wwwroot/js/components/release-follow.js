// Says how what the user did turned out, not only that it was accepted: follows a release's progress stream until it
// is live, failed (at which stage, and why) or cancelled, and a restart until the app runs again.
import { api, appPath } from '../api.js';
import { shortId } from '../format.js';
import { toast } from './toast.js';

const following = new Map();
const GIVE_UP_MS = 30 * 60 * 1000;
const RESTART_POLL_MS = 1500;

function describe(release) {
  if (release.sourceKind !== 'image' && !release.imageDigest) return 'queued for its build';
  return 'rolling out';
}

/** Follows `release` (from a 202 answer) until it settles and toasts the outcome; `what` names the action ("Deploy"). */
export function followRelease(appId, release, what) {
  if (!release) return;
  if (following.has(release.id)) return;
  const id = shortId(release.id);
  toast(`${what} accepted: release ${id} is ${describe(release)}.`, 'busy');
  const source = new EventSource(appPath(appId, `/releases/${release.id}/progress`), { withCredentials: true });
  const stop = () => {
    source.close();
    clearTimeout(timer);
    following.delete(release.id);
  };
  const timer = setTimeout(stop, GIVE_UP_MS);
  following.set(release.id, stop);
  source.addEventListener('end', (event) => {
    stop();
    announce(what, id, JSON.parse(event.data));
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) stop();
  });
}

function announce(what, id, end) {
  if (end.reason) toast(`${what}: release ${id} is gone (${end.reason}).`, 'idle');
  else if (end.status === 'failed') {
    toast(`${what} failed: release ${id} failed at ${end.failedStage ?? 'starting'}: ${end.failureReason ?? 'no reason given'}. The previous release, if any, keeps serving.`, 'bad');
  } else if (end.status === 'cancelled') toast(`${what}: release ${id} was cancelled, a newer deploy replaced it.`, 'idle');
  else toast(`${what} done: release ${id} is live.`, 'ok');
}

/** Follows a restart (no new release) until the app has converged on `generation`, then toasts how it runs. */
export function followRestart(appId, generation, what) {
  toast(`${what} accepted: replacing the container.`, 'busy');
  const deadline = Date.now() + GIVE_UP_MS;
  const check = async () => {
    let app;
    try {
      app = await api.get(appPath(appId));
    } catch (error) {
      if (error.status === 404) return;
      if (Date.now() < deadline) setTimeout(check, RESTART_POLL_MS);
      return;
    }
    if (app.observedGeneration >= generation && app.status !== 'deploying') {
      if (app.status === 'running') toast(`${what} done: ${app.name} is running.`, 'ok');
      else toast(`${what}: ${app.name} is ${app.status}${app.lastError ? `: ${app.lastError}` : ''}.`, 'bad');
      return;
    }
    if (Date.now() < deadline) setTimeout(check, RESTART_POLL_MS);
  };
  setTimeout(check, RESTART_POLL_MS);
}

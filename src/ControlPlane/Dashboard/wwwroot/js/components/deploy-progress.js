// A release on its way to serving: every stage with the time it began (queued → building → starting →
// health-checking → switching → draining → live, or failed at one), and while it builds, the build log as it is written.
// Fed by the release's progress stream (Server-Sent Events); it closes once the release settles.
import { h, patch } from '../dom.js';
import { appPath } from '../api.js';
import { STAGES, badge, clockTime, duration, between, shortId, releaseOutcome, imageText } from '../format.js';

const MAX_LOG_CHARS = 400_000;

/** Returns { element, close }; `onSettled(release)` runs once when the release is live, failed or cancelled. */
export function deployProgress(appId, release, { onSettled = () => {}, onHide = null } = {}) {
  const title = h('h2', { class: 'progress-title' });
  const stages = h('ol', { class: 'stage-list', 'aria-label': 'Deploy stages' });
  const failure = h('div');
  const logText = h('pre', { class: 'build-log', tabindex: '0', role: 'log', 'aria-live': 'off', 'aria-label': 'Build log' });
  const logStatus = h('p', { class: 'muted small build-log-status' });
  const logBox = h('details', { class: 'build-log-box', open: true }, h('summary', null, 'Build output'), logStatus, logText);
  const hide = onHide ? h('button', { type: 'button', class: 'button button-small button-quiet', onclick: () => onHide() }, 'Hide') : null;
  const element = h('section', { class: 'card deploy-progress', 'data-release-id': release.id, 'aria-labelledby': `progress-${release.id}` },
    h('div', { class: 'progress-head' }, title, hide), stages, failure, logBox);
  title.id = `progress-${release.id}`;

  let current = release;
  let settled = false;
  let logChars = 0;
  const isSource = () => current.sourceKind !== 'image' && (!current.imageDigest || current.stages?.some((s) => s.name === 'building'));

  const render = () => {
    const outcome = releaseOutcome(current);
    const what = current.sourceKind === 'image' ? current.image : `${current.image} (${current.sourceKind === 'git' ? 'git build' : 'tarball build'})`;
    patch(title, [outcome, current.id], () => [badge(outcome === 'live' ? 'live' : outcome === 'failed' ? 'failed' : outcome === 'cancelled' ? 'cancelled' : 'deploying', 'Deploy'),
      ' ', outcome === 'live' ? 'Live: release ' : outcome === 'failed' ? 'Failed: release ' : outcome === 'cancelled' ? 'Cancelled: release ' : 'Deploying release ',
      h('span', { class: 'mono' }, shortId(current.id))]);
    patch(stages, [current.stages, current.status, current.failedStage], () => stageItems(current, isSource()));
    patch(failure, [current.status, current.failureReason], () => (current.status === 'failed'
      ? h('div', { class: 'callout tone-bad', role: 'status' }, h('strong', null, `Failed at ${current.failedStage ?? 'starting'}`),
        h('p', { class: 'mono wrap' }, current.failureReason ?? 'no reason given'),
        h('p', { class: 'muted small' }, 'Whatever served before keeps serving. Fix the cause and deploy again.'))
      : h('p', { class: 'muted small progress-image' }, 'Image ', imageText(what, current.imageDigest))));
    logBox.hidden = !isSource();
    logStatus.textContent = settled ? 'The build has ended.' : current.stages?.some((s) => s.name === 'building') ? 'Building: new output appears as it is written.' : 'Waiting for a build worker…';
  };

  const appendLog = (chunk) => {
    const follow = logText.scrollTop + logText.clientHeight >= logText.scrollHeight - 8;
    if (chunk.reset) logText.textContent = '';
    let text = logText.textContent + chunk.text;
    if (text.length > MAX_LOG_CHARS) text = `[earlier output not shown]\n${text.slice(-MAX_LOG_CHARS)}`;
    logText.textContent = text;
    logChars = chunk.total;
    if (follow) logText.scrollTop = logText.scrollHeight;
  };

  const source = new EventSource(appPath(appId, `/releases/${release.id}/progress`), { withCredentials: true });
  const close = () => source.close();
  source.addEventListener('release', (event) => {
    current = JSON.parse(event.data);
    render();
  });
  source.addEventListener('build-log', (event) => appendLog(JSON.parse(event.data)));
  source.addEventListener('end', () => {
    close();
    settled = true;
    render();
    onSettled(current);
  });
  render();
  return { element, close, get chars() { return logChars; } };
}

function stageItems(release, source) {
  const reached = new Map((release.stages ?? []).map((s) => [s.name, s.at]));
  const failed = release.status === 'failed' ? (release.failedStage ?? 'starting') : null;
  const live = reached.has('live');
  let previousAt = null;
  return STAGES.filter((name) => name !== 'building' || source || reached.has('building')).map((name) => {
    const at = reached.get(name);
    // Reached; failed here; not needed (live without it); not reached (failed or cancelled before it); still to come.
    let state = at ? 'reached' : 'pending';
    if (name === failed) state = 'failed';
    else if (!at && live) state = 'skipped';
    else if (!at && (failed || release.status === 'cancelled')) state = 'unreached';
    const took = at && previousAt ? between(previousAt, at) : null;
    if (at) previousAt = at;
    const icon = { reached: '✓', failed: '✕', skipped: '–', unreached: '·', pending: '○' }[state];
    const note = { failed: 'failed here', skipped: 'not needed', unreached: 'not reached', pending: '', reached: '' }[state];
    return h('li', { class: `progress-stage ${state}`, 'data-stage': name, 'data-state': state },
      h('span', { class: 'stage-icon', 'aria-hidden': 'true' }, icon),
      h('span', { class: 'stage-name' }, name),
      h('span', { class: 'stage-when' }, at ? h('time', { datetime: at }, clockTime(at)) : note),
      took !== null ? h('span', { class: 'stage-duration' }, `+${duration(took)}`) : null,
      h('span', { class: 'visually-hidden' }, ` (${state})`));
  });
}

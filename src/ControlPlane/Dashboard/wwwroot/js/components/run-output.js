// One run's output, live: the run's SSE stream (status, line, end) into a scrolling <pre>, with its state and exit code.
// The stream ends by itself with `end`; an ended run replays its stored lines and ends at once.
import { h } from '../dom.js';
import { appPath } from '../api.js';
import { badge, clockTime } from '../format.js';

const MAX_LINES = 5000;

/** Returns { element, close }. `onEnd(end)` is called once with { outcome, exitCode, reason }. */
export function runOutput(appId, run, { onEnd = () => {}, title = 'Output' } = {}) {
  const state = h('span', { class: 'run-state', 'aria-live': 'polite' }, badge(run.status === 'ended' ? (run.outcome ?? 'ended') : run.status, 'Run'));
  const lines = h('pre', { class: 'code-block run-lines', tabindex: '0', 'aria-label': `${title} of the run`, 'data-run-id': run.id });
  const empty = h('p', { class: 'muted small run-empty' }, 'No output yet.');
  const summary = h('p', { class: 'run-summary small', 'aria-live': 'polite' });
  const element = h('section', { class: 'run-output', 'data-run-id': run.id },
    h('div', { class: 'run-output-head' }, h('h3', null, title), state, h('code', { class: 'mono run-command', title: run.command }, run.command)),
    empty, lines, summary);
  let count = 0;
  let ended = false;

  const source = new EventSource(appPath(appId, `/runs/${run.id}/output`), { withCredentials: true });
  source.addEventListener('status', (event) => {
    const current = JSON.parse(event.data);
    state.replaceChildren(badge(current.status === 'ended' ? current.outcome : current.status, 'Run'));
  });
  source.addEventListener('line', (event) => {
    const line = JSON.parse(event.data);
    empty.hidden = true;
    count += 1;
    if (count > MAX_LINES) lines.firstChild?.remove();
    const stick = lines.scrollTop + lines.clientHeight >= lines.scrollHeight - 4;
    lines.append(h('span', { class: line.stream === 'stderr' ? 'run-line stderr' : 'run-line', title: clockTime(line.timestamp) }, `${line.message}\n`));
    if (stick) lines.scrollTop = lines.scrollHeight;
  });
  source.addEventListener('end', (event) => {
    ended = true;
    source.close();
    const end = JSON.parse(event.data);
    if (end.outcome) state.replaceChildren(badge(end.outcome, 'Run'));
    summary.textContent = end.outcome
      ? `Ended: ${end.outcome}${end.exitCode === null || end.exitCode === undefined ? '' : `, exit code ${end.exitCode}`}${end.reason ? ` — ${end.reason}` : ''}`
      : end.reason ?? 'Ended.';
    summary.dataset.outcome = end.outcome ?? '';
    onEnd(end);
  });
  source.onerror = () => {
    if (!ended && source.readyState === EventSource.CLOSED) summary.textContent = 'The output stream closed; reopen the run to see the rest.';
  };
  return { element, close: () => source.close() };
}

// Logs: a live tail over Server-Sent Events into the virtualized viewer; pause, server-side search, stream filter,
// older lines loaded on demand as the user scrolls up.
import { h, debounce } from '../dom.js';
import { api, appPath } from '../api.js';
import { LogView } from '../components/log-view.js';
import { field, formError, submitting } from '../components/forms.js';
import { toast } from '../components/toast.js';

const TAIL = 1000;
const OLDER_PAGE = 2000;
const MIN_SEARCH = 3;

export async function mount(panel, ctx) {
  const status = h('span', { class: 'live-status', role: 'status' });
  const countText = h('span', { class: 'muted log-count', 'aria-live': 'off' });
  const search = h('input', { type: 'search', id: 'log-search', name: 'q', placeholder: 'Search (3+ characters)', autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'log-search-hint' });
  const searchHint = h('span', { id: 'log-search-hint', class: 'hint' });
  const stream = h('select', { id: 'log-stream', name: 'stream' },
    h('option', { value: '' }, 'All streams'), h('option', { value: 'stdout' }, 'stdout'), h('option', { value: 'stderr' }, 'stderr'));
  const pause = h('button', { type: 'button', class: 'button', 'aria-pressed': 'false' });
  const bottom = h('button', { type: 'button', class: 'button' }, h('span', { 'aria-hidden': 'true' }, '↓ '), 'Jump to bottom');

  let source = null;
  let filter = { q: '', stream: '' };
  let pending = [];
  let flushFrame = 0;
  let hasOlder = true;
  let loadingOlder = false;
  let generation = 0;
  let connection = 'connecting';

  const renderStatus = (s) => {
    const paused = s?.paused ?? view.paused;
    pause.replaceChildren(h('span', { 'aria-hidden': 'true' }, paused ? '▶ ' : '❚❚ '), paused ? 'Resume' : 'Pause');
    pause.setAttribute('aria-pressed', String(paused));
    let text;
    if (connection === 'ended') text = '■ Stream ended: the app was deleted';
    else if (connection === 'closed') text = '✕ Disconnected';
    else if (connection === 'connecting') text = '◌ Connecting…';
    else if (connection === 'reconnecting') text = '◌ Reconnecting…';
    else if (paused) text = `❚❚ Paused · ${view.newWhilePaused.toLocaleString()} new lines`;
    else if (!view.follow) text = '● Live · scrolled up';
    else text = '● Live';
    if (status.textContent !== text) {
      status.textContent = text;
      status.dataset.state = paused ? 'paused' : connection;
    }
    const n = view.length.toLocaleString();
    const counted = `${n} ${view.length === 1 ? 'line' : 'lines'}${view.dropped ? ` (the newest ${view.capacity.toLocaleString()} kept)` : ''}${filter.q ? ` matching “${filter.q}”` : ''}`;
    if (countText.textContent !== counted) countText.textContent = counted;
    bottom.disabled = view.follow && !paused;
  };

  const view = new LogView({ label: 'Log lines', onChange: renderStatus, onNearTop: () => loadOlder() });

  const flush = () => {
    flushFrame = 0;
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    view.append(batch);
  };

  const connect = () => {
    source?.close();
    generation += 1;
    const mine = generation;
    pending = [];
    hasOlder = true;
    view.clear();
    view.setHighlight(filter.q);
    connection = 'connecting';
    renderStatus();
    const params = new URLSearchParams({ tail: String(TAIL) });
    if (filter.q) params.set('q', filter.q);
    if (filter.stream) params.set('stream', filter.stream);
    source = new EventSource(`${appPath(ctx.appId, '/logs/stream')}?${params}`, { withCredentials: true });
    source.addEventListener('open', () => {
      if (mine !== generation) return;
      connection = 'live';
      renderStatus();
    });
    source.addEventListener('line', (event) => {
      if (mine !== generation) return;
      pending.push(JSON.parse(event.data));
      if (!flushFrame) flushFrame = requestAnimationFrame(flush);
    });
    source.addEventListener('end', () => {
      source.close();
      connection = 'ended';
      renderStatus();
    });
    source.addEventListener('error', async () => {
      if (mine !== generation) return;
      connection = source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting';
      renderStatus();
      if (source.readyState === EventSource.CLOSED) {
        // Find out why (a 401 sends the user to the login page; a 400 names the bad filter).
        try {
          await api.get(appPath(ctx.appId, `/logs?limit=1${filter.q ? `&q=${encodeURIComponent(filter.q)}` : ''}`));
        } catch (error) {
          searchHint.textContent = error.message;
        }
      }
    });
  };

  const loadOlder = async () => {
    if (!hasOlder || loadingOlder || view.length === 0 || view.length >= view.capacity) return;
    loadingOlder = true;
    const mine = generation;
    try {
      const params = new URLSearchParams({ before: String(view.oldest.id), limit: String(OLDER_PAGE) });
      if (filter.q) params.set('q', filter.q);
      if (filter.stream) params.set('stream', filter.stream);
      const { data, headers } = await api.getWithHeaders(`${appPath(ctx.appId, '/logs')}?${params}`, { signal: ctx.signal });
      if (mine !== generation) return;
      hasOlder = Boolean(headers.get('X-Next-Before')) && data.length > 0;
      view.prepend(data);
    } catch {
      hasOlder = false;
    } finally {
      loadingOlder = false;
    }
  };

  const applySearch = debounce(() => {
    const q = search.value.trim();
    if (q.length > 0 && q.length < MIN_SEARCH) {
      searchHint.textContent = `Type at least ${MIN_SEARCH} characters to search.`;
      return;
    }
    searchHint.textContent = q ? 'Searching all stored lines; new matching lines keep arriving.' : '';
    if (q === filter.q) return;
    filter = { ...filter, q };
    connect();
  }, 300);

  search.addEventListener('input', applySearch);
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      applySearch();
    }
  });
  stream.addEventListener('change', () => {
    filter = { ...filter, stream: stream.value };
    connect();
  });
  pause.addEventListener('click', () => view.setPaused(!view.paused));
  bottom.addEventListener('click', () => {
    view.jumpToBottom();
    view.element.focus();
  });

  panel.append(
    h('div', { class: 'section-head' }, h('h2', null, 'Logs'),
      h('p', { class: 'muted' }, 'Live output of the app\'s containers. Text is shown as is, with its ANSI colours.')),
    h('div', { class: 'log-toolbar', role: 'group', 'aria-label': 'Log controls' },
      h('div', { class: 'log-search' }, h('label', { for: 'log-search' }, 'Search'), search),
      h('div', { class: 'log-filter' }, h('label', { for: 'log-stream' }, 'Stream'), stream),
      h('div', { class: 'log-buttons' }, pause, bottom)),
    h('div', { class: 'log-statusbar' }, status, countText, searchHint),
    view.element,
    settingsForm(ctx));

  ctx.signal.addEventListener('abort', () => {
    source?.close();
    cancelAnimationFrame(flushFrame);
    applySearch.cancel();
    view.destroy();
  }, { once: true });

  connect();
}

// Masking and retention: how the collector treats this app's lines (PUT replaces all settings).
function settingsForm(ctx) {
  const mask = h('input', { type: 'checkbox', id: 'log-mask', name: 'maskSecretsInLogs' });
  const form = h('form', { class: 'log-settings', novalidate: true },
    h('div', { class: 'check-field' }, mask, h('label', { for: 'log-mask' }, 'Replace the app\'s environment values with *** in its logs')),
    h('div', { class: 'inline-fields inline-fields-3' },
      field({ name: 'retention.lines', label: 'Keep at most (lines)', type: 'number', min: 100, inputmode: 'numeric', placeholder: 'platform default' }),
      field({ name: 'retention.hours', label: 'Keep at most (hours)', type: 'number', min: 1, inputmode: 'numeric', placeholder: 'platform default' }),
      h('div', { class: 'inline-submit' }, h('button', { type: 'submit', class: 'button' }, 'Save log settings'))),
    formError());
  const details = h('details', { class: 'card log-settings-card' }, h('summary', null, 'Log settings: masking and retention'), form);
  details.addEventListener('toggle', async () => {
    if (!details.open || form.dataset.loaded) return;
    try {
      const settings = await api.get(appPath(ctx.appId, '/log-settings'), { signal: ctx.signal });
      mask.checked = settings.maskSecretsInLogs;
      form.elements['retention.lines'].value = settings.retention?.lines ?? '';
      form.elements['retention.hours'].value = settings.retention?.hours ?? '';
      form.dataset.loaded = 'true';
    } catch (error) {
      toast(`Log settings could not be loaded: ${error.message}`, 'bad');
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const number = (name) => (form.elements[name].value === '' ? null : Number(form.elements[name].value));
    const ok = await submitting(form, () => api.put(appPath(ctx.appId, '/log-settings'), {
      maskSecretsInLogs: mask.checked,
      retention: { lines: number('retention.lines'), hours: number('retention.hours') },
    }));
    if (ok) toast('Log settings saved.');
  });
  return details;
}

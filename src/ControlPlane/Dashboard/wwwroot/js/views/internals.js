// Under the hood: each container's lifecycle with durations, the reconciler's last plan and why, the equivalent
// `docker run` (env as references only), the route and its DNS answers, Caddy's config and the app's network.
import { h, patch } from '../dom.js';
import { api, appPath } from '../api.js';
import { badge, duration, shortId, when, timeAgo, clockTime } from '../format.js';
import { poll } from '../components/poll.js';
import { toast } from '../components/toast.js';

const STAGES = [
  { key: 'createdAt', label: 'created' },
  { key: 'startedAt', label: 'started', duration: 'createdToStartedMs' },
  { key: 'healthyAt', label: 'healthy', duration: 'startedToHealthyMs', web: true },
  { key: 'servingAt', label: 'serving', duration: 'healthyToServingMs', web: true },
  { key: 'drainingAt', label: 'draining', duration: 'servingToDrainingMs', web: true },
  { key: 'removedAt', label: 'removed', duration: 'drainingToRemovedMs' },
];

// A worker (or the release command) takes no traffic: it is created, started and removed, nothing in between.
function stagesOf(c) {
  return c.kind === 'web' ? STAGES : STAGES.filter((s) => !s.web);
}

/** "web #1 · web", "queue #0 · worker": which process and replica a container runs. */
export function processLabel(c) {
  return c.kind === 'release-command' ? 'release command' : `${c.process} #${c.replica} · ${c.kind}`;
}

export async function mount(panel, ctx) {
  const parts = {
    containers: h('div'), plan: h('div'), dockerRun: h('div'), route: h('div'), caddy: h('div'), network: h('div'),
  };
  panel.append(
    h('div', { class: 'section-head' }, h('h2', null, 'Under the hood'),
      h('p', { class: 'muted' }, 'What the platform runs for this app and why, as recorded by the reconciler: every container of every process, each replica on its own.')),
    section('Container lifecycle', 'internals-containers', parts.containers),
    section('Last plan', 'internals-plan', parts.plan),
    section('Equivalent docker run', 'internals-docker-run', parts.dockerRun),
    section('Route and DNS answers', 'internals-route', parts.route),
    section('Caddy configuration', 'internals-caddy', parts.caddy),
    section('Network', 'internals-network', parts.network));

  const load = async () => {
    let data;
    try {
      data = await api.get(appPath(ctx.appId, '/internals'), { signal: ctx.signal });
    } catch (error) {
      if (!ctx.signal.aborted) patch(parts.containers, 'err', () => h('p', { class: 'form-error', role: 'alert' }, `The internals could not be loaded: ${error.message}`));
      return;
    }
    patch(parts.containers, [data.containers, Math.floor(Date.now() / 30000)], () => containers(data.containers));
    patch(parts.plan, data.lastPlan, () => plan(data.lastPlan));
    patch(parts.dockerRun, data.containers.map((c) => c.dockerRun), () => dockerRun(data.containers));
    patch(parts.route, [data.route, data.dnsAnswers], () => route(data));
    patch(parts.caddy, [data.caddyConfigUpdatedAt, data.caddyRouteNote], () => caddy(data));
    patch(parts.network, data.network, () => network(data.network));
  };
  poll(load, 4000, ctx.signal);
}

function section(title, id, body) {
  return h('section', { class: 'card internals-section', 'aria-labelledby': id }, h('h3', { id }, title), body);
}

function currentStage(c) {
  return [...stagesOf(c)].reverse().find((s) => c[s.key])?.label ?? 'created';
}

function containers(list) {
  if (!list.length) return h('p', { class: 'muted' }, 'No containers yet: deploy the app.');
  return [legend(), h('ol', { class: 'container-list' }, list.map((c) => {
    const stage = currentStage(c);
    return h('li', { class: 'container-card', 'data-container-id': c.containerId, 'data-process': c.process, 'data-kind': c.kind, 'data-replica': c.replica },
      h('div', { class: 'container-head' },
        h('strong', { class: 'mono wrap' }, c.name),
        h('span', { class: 'process-tag', title: 'Process, replica and kind' }, processLabel(c)),
        badge(stage, 'Container'),
        h('span', { class: 'muted small' }, 'container ', h('span', { class: 'mono', title: c.containerId }, c.containerId.slice(0, 12)),
          ' · release ', h('span', { class: 'mono' }, shortId(c.releaseId)), c.ipAddress ? [' · ', h('span', { class: 'mono' }, c.ipAddress)] : null)),
      bar(c),
      h('ol', { class: 'timeline' }, stagesOf(c).map((s) => {
        const at = c[s.key];
        const took = s.duration ? c.durations?.[s.duration] : null;
        return h('li', { class: at ? 'stage reached' : 'stage', 'data-stage': s.label },
          h('span', { class: 'stage-icon', 'aria-hidden': 'true' }, at ? '●' : '○'),
          h('span', { class: 'stage-name' }, s.label),
          at ? h('time', { datetime: at, title: when(at), class: 'mono small' }, clockTime(at)) : h('span', { class: 'muted small' }, 'not reached'),
          took !== null && took !== undefined ? h('span', { class: 'stage-duration' }, `+${duration(took)}`) : null);
      })),
      c.removedAt || (c.exitCode !== null && c.exitCode !== undefined) ? h('p', { class: 'muted small' },
        c.removalReason ? `Removed: ${c.removalReason}` : '', c.exitCode !== null && c.exitCode !== undefined ? ` · exit code ${c.exitCode}` : '') : null);
  }))];
}

const PHASES = {
  created: 'starting',
  running: 'running (a worker)',
  started: 'health-checking',
  healthy: 'switching traffic',
  serving: 'serving',
  draining: 'draining',
};

// A bar whose segments are proportional to the time spent in each phase; the current phase runs until now.
function bar(c) {
  const segments = STAGES.slice(1).map((s, i) => ({ stage: STAGES[i].label, ms: c.durations?.[s.duration] })).filter((s) => s.ms !== null && s.ms !== undefined);
  const current = currentStage(c);
  if (c.kind !== 'web') {
    // No health check or route: the time from start to removal (or now) is all running.
    const since = c.startedAt ?? c.createdAt;
    const ms = c.removedAt ? new Date(c.removedAt).getTime() - new Date(since).getTime() : Date.now() - new Date(since).getTime();
    segments.length = 0;
    if (c.durations?.createdToStartedMs !== null && c.durations?.createdToStartedMs !== undefined) segments.push({ stage: 'created', ms: c.durations.createdToStartedMs });
    segments.push({ stage: 'running', ms: Math.max(0, ms), ongoing: !c.removedAt });
  } else if (current !== 'removed' && PHASES[current]) {
    const since = c[STAGES.find((s) => s.label === current).key];
    segments.push({ stage: current, ms: Math.max(0, Date.now() - new Date(since).getTime()), ongoing: true });
  }
  const total = segments.reduce((a, s) => a + s.ms, 0);
  if (total <= 0) return null;
  const el = h('div', { class: 'lifecycle-bar', 'aria-hidden': 'true' });
  for (const s of segments) {
    const label = `${PHASES[s.stage]} ${duration(s.ms)}${s.ongoing ? ' so far' : ''}`;
    const seg = h('span', { class: `segment segment-${s.stage}`, title: label }, duration(s.ms));
    seg.style.flexGrow = String(Math.max(s.ms / total, 0.03)); // CSSOM, allowed by the CSP
    el.append(seg);
  }
  return el;
}

function legend() {
  return h('p', { class: 'lifecycle-legend small muted' }, 'Time spent: ',
    Object.entries(PHASES).map(([stage, text]) => h('span', { class: 'legend-item' }, h('span', { class: `swatch segment-${stage}`, 'aria-hidden': 'true' }), text)));
}

function plan(p) {
  const reason = p.currentReason;
  return [
    h('dl', { class: 'facts' },
      h('dt', null, 'Status now'), h('dd', null, badge(reason.status), h('span', { class: 'muted' }, ` desired generation ${reason.generation}, observed ${reason.observedGeneration}`)),
      h('dt', null, 'Why'), h('dd', { class: 'wrap' }, reason.lastError ?? (reason.observedGeneration >= reason.generation
        ? 'Converged: what runs matches what was asked for.'
        : 'Converging: the reconciler is working towards the newest generation.')),
      h('dt', null, 'Plan of generation'), h('dd', null, p.generation ?? '—')),
    p.actions.length ? h('ol', { class: 'plan-steps' }, p.actions.map((a) => h('li', null,
      badge(a.outcome, 'Outcome'), ' ', h('code', null, a.action), ' ', h('span', null, a.reason),
      h('span', { class: 'muted small' }, ` · ${duration(a.durationMs)} · `, timeAgo(a.at)),
      a.error ? h('span', { class: 'cell-note mono wrap tone-bad' }, a.error) : null)))
      : h('p', { class: 'muted' }, 'No actions journaled yet.'),
  ];
}

/** Breaks `docker run a --b c --d e` before each top-level option, for reading. */
export function formatCommand(command) {
  let out = '';
  let quote = null;
  for (let i = 0; i < command.length; i += 1) {
    const ch = command[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === ' ' && command.startsWith('--', i + 1)) {
      out += ' \\\n  ';
      continue;
    }
    out += ch;
  }
  return out;
}

function copyButton(text, label) {
  return h('button', {
    type: 'button',
    class: 'button button-small',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(text);
        toast(`${label} copied.`);
      } catch {
        toast('Copying needs clipboard permission; select the text instead.', 'bad');
      }
    },
  }, `Copy ${label}`);
}

// One command per process: its newest live container (the serving one for web), else its newest container.
function dockerRun(list) {
  if (!list.length) return h('p', { class: 'muted' }, 'No container yet.');
  const byProcess = new Map();
  for (const c of list) {
    const best = byProcess.get(c.process);
    const rank = (x) => (x.removedAt ? 0 : 1) + (x.servingAt && !x.removedAt ? 1 : 0);
    if (!best || rank(c) > rank(best)) byProcess.set(c.process, c);
  }
  return [
    h('p', { class: 'muted' }, 'What the reconciler asked Docker for, per process. Environment variables appear as references (',
      h('code', null, '--env KEY'), '): their values never leave the platform.'),
    ...[...byProcess.values()].map((c) => h('div', { class: 'docker-run', 'data-process': c.process },
      h('h4', null, processLabel(c), ' ', h('span', { class: 'mono muted small wrap' }, c.name)),
      h('pre', { class: 'code-block', tabindex: '0', 'aria-label': `docker run command of ${c.process}` }, formatCommand(c.dockerRun)),
      copyButton(c.dockerRun, `${c.process} command`))),
  ];
}

function route(data) {
  return [
    data.route
      ? h('dl', { class: 'facts' },
        h('dt', null, 'Hostnames'), h('dd', { class: 'mono wrap' }, data.route.hostnames.join(', ')),
        h('dt', null, 'Upstreams'), h('dd', { class: 'mono wrap' }, data.route.upstreams.length ? data.route.upstreams.join(', ') : 'none (answers 503)'),
        h('dt', null, 'Updated'), h('dd', null, timeAgo(data.route.updatedAt)))
      : h('p', { class: 'muted' }, 'No route yet: requests for this app get the platform\'s fallback answer.'),
    h('p', { class: 'muted' }, 'What the platform\'s DNS responder answers Caddy for each hostname:'),
    h('pre', { class: 'code-block', tabindex: '0', 'aria-label': 'DNS answers' }, data.dnsAnswers.join('\n') || '(none)'),
  ];
}

function caddy(data) {
  const text = data.caddyConfig ? JSON.stringify(data.caddyConfig, null, 2) : null;
  return [
    h('p', null, data.caddyRouteNote),
    text
      ? h('details', null, h('summary', null, 'Caddy\'s /config/apps, as last loaded ', timeAgo(data.caddyConfigUpdatedAt)),
        h('pre', { class: 'code-block code-tall', tabindex: '0', 'aria-label': 'Caddy configuration JSON' }, text), copyButton(text, 'JSON'))
      : h('p', { class: 'muted' }, 'The reconciler has not loaded Caddy\'s configuration yet.'),
  ];
}

function network(n) {
  return [
    h('p', null, 'Bridge network ', h('code', null, n.name), ': isolated from every other app; no published ports.'),
    n.containers.length
      ? h('ul', { class: 'plain-list' }, n.containers.map((c) => h('li', null, h('span', { class: 'mono wrap' }, c.name),
        c.process ? h('span', { class: 'process-tag' }, processLabel(c)) : null, ' — ',
        h('span', { class: 'mono' }, c.ipAddress ?? 'no address yet'))))
      : h('p', { class: 'muted' }, 'No containers on it right now.'),
  ];
}

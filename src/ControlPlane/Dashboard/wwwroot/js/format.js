// Formatting and the status vocabulary: every status is text plus a shape, never colour alone.
import { h } from './dom.js';

const STATUS = {
  running: { icon: '●', tone: 'ok', label: 'running' },
  healthy: { icon: '●', tone: 'ok', label: 'healthy' },
  active: { icon: '●', tone: 'ok', label: 'active' },
  verified: { icon: '✓', tone: 'ok', label: 'verified' },
  ready: { icon: '✓', tone: 'ok', label: 'ready' },
  switched: { icon: '✓', tone: 'ok', label: 'switched' },
  requested: { icon: '…', tone: 'progress', label: 'requested' },
  verifying: { icon: '↻', tone: 'progress', label: 'verifying' },
  restoring: { icon: '↻', tone: 'progress', label: 'restoring' },
  'backing-up': { icon: '↻', tone: 'progress', label: 'backing up' },
  succeeded: { icon: '✓', tone: 'ok', label: 'succeeded' },
  ok: { icon: '✓', tone: 'ok', label: 'ok' },
  deploying: { icon: '◐', tone: 'busy', label: 'deploying' },
  pending: { icon: '◐', tone: 'busy', label: 'pending' },
  created: { icon: '○', tone: 'idle', label: 'created' },
  superseded: { icon: '○', tone: 'idle', label: 'superseded' },
  skipped: { icon: '○', tone: 'idle', label: 'skipped' },
  cancelled: { icon: '⊘', tone: 'idle', label: 'cancelled' },
  deleting: { icon: '⊘', tone: 'idle', label: 'deleting' },
  failed: { icon: '✕', tone: 'bad', label: 'failed' },
  unhealthy: { icon: '✕', tone: 'bad', label: 'unhealthy' },
  error: { icon: '✕', tone: 'bad', label: 'error' },
  'crash-looping': { icon: '⟲', tone: 'bad', label: 'crash-looping' },
  retrying: { icon: '⟳', tone: 'busy', label: 'retrying' },
  serving: { icon: '●', tone: 'ok', label: 'serving' },
  started: { icon: '◐', tone: 'busy', label: 'started' },
  draining: { icon: '◑', tone: 'busy', label: 'draining' },
  removed: { icon: '○', tone: 'idle', label: 'removed' },
  accepted: { icon: '◐', tone: 'busy', label: 'accepted' },
  building: { icon: '◐', tone: 'busy', label: 'building' },
  live: { icon: '●', tone: 'ok', label: 'live' },
  ready: { icon: '●', tone: 'ok', label: 'ready' },
  creating: { icon: '◐', tone: 'busy', label: 'creating' },
  starting: { icon: '◐', tone: 'busy', label: 'starting' },
  queued: { icon: '◌', tone: 'busy', label: 'queued' },
  'timed-out': { icon: '⧗', tone: 'bad', label: 'timed out' },
  missed: { icon: '⊘', tone: 'bad', label: 'missed' },
  stopped: { icon: '■', tone: 'idle', label: 'stopped' },
  suspended: { icon: '‖', tone: 'idle', label: 'suspended' },
  'auto-suspended': { icon: '‖', tone: 'bad', label: 'suspended by the platform' },
  failing: { icon: '✕', tone: 'bad', label: 'failing' },
  scheduled: { icon: '◷', tone: 'ok', label: 'scheduled' },
};

/** A release's stages in order; a release skips those that do not apply to it (building for an image, draining on a first deploy). */
export const STAGES = ['queued', 'building', 'starting', 'health-checking', 'switching', 'draining', 'live'];

/** How a release has gone so far, in a word: for toasts, the audit log and the releases table. */
export function releaseOutcome(release) {
  if (!release) return null;
  if (release.status === 'failed') return 'failed';
  if (release.status === 'cancelled') return 'cancelled';
  if (release.stage === 'live' || release.status === 'superseded') return 'live';
  return release.stage ?? release.status;
}

/** A badge: icon + text, with a tone class for colour and an aria-label that names what it is; `note` adds a second, bad-toned fact. */
export function badge(status, what = 'Status', note = null) {
  const known = STATUS[status] ?? { icon: '◇', tone: 'idle', label: status ?? 'unknown' };
  const label = note ? `${known.label} · ${note}` : known.label;
  return h('span', { class: `badge tone-${known.tone}`, 'aria-label': `${what}: ${label}`, title: `${what}: ${label}` },
    h('span', { class: 'badge-icon', 'aria-hidden': 'true' }, known.icon),
    h('span', { class: 'badge-text', 'aria-hidden': 'true' }, known.label),
    note ? h('span', { class: 'badge-note', 'aria-hidden': 'true' }, ` · ${note}`) : null);
}

/** An app's status badge, saying also when its newest deploy failed while an older release keeps serving ("running · last deploy failed"). */
export function appBadge(app) {
  const failedDeploy = app.lastFailedRelease && app.status !== 'failed' ? 'last deploy failed' : null;
  return badge(app.status, 'Status', failedDeploy);
}

/** An image reference as it reads best: a digest shortened, the whole in the tooltip. */
export function imageText(image, digest) {
  const short = (text) => text.replace(/(sha256:[0-9a-f]{12})[0-9a-f]{52}/, '$1…');
  return h('span', { class: 'mono wrap', title: digest ? `${image}\n${digest}` : image }, short(image));
}

export function shortId(id) {
  return id ? String(id).slice(-8) : '—';
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export function ago(value, now = Date.now()) {
  if (!value) return '—';
  const seconds = Math.round((new Date(value).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return relative.format(seconds, 'second');
  if (abs < 45 * 60) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 22 * 3600) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86400), 'day');
}

export function when(value) {
  return value ? absolute.format(new Date(value)) : '—';
}

export function clockTime(value) {
  if (!value) return '';
  const d = new Date(value);
  return `${clock.format(d)}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** A <time> element showing "3 minutes ago" with the exact time as its tooltip. */
export function timeAgo(value) {
  if (!value) return h('span', { class: 'muted' }, '—');
  return h('time', { datetime: value, title: when(value) }, ago(value));
}

export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours} h ${m % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function between(from, to) {
  if (!from || !to) return null;
  return new Date(to).getTime() - new Date(from).getTime();
}

export function count(n, one, many = `${one}s`) {
  return `${Number(n).toLocaleString()} ${n === 1 ? one : many}`;
}

// A latency chart as inline SVG: passed checks are dots on a line, failed checks are crosses with a "failed" label,
// so a failure reads by shape and text as well as colour.
import { svg, h } from '../dom.js';
import { clockTime, when } from '../format.js';

const H = 240;
const PAD = { top: 40, right: 16, bottom: 36, left: 68 };
const LABEL_GAP = 56;

/** A round tick step (1, 2 or 5 × 10^k) giving at most 5 steps up to `value`. */
function niceStep(value) {
  const rough = Math.max(value, 1) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough);
}

/** points: [{checkedAt, status, latencyMs, httpStatus, error}] in any order. */
export function latencyChart(points, { title = 'Health-check latency', width = 720 } = {}) {
  const W = Math.max(280, Math.round(width));
  const data = [...points].sort((a, b) => new Date(a.checkedAt) - new Date(b.checkedAt));
  const failed = data.filter((p) => p.status !== 'healthy');
  const latencies = data.map((p) => p.latencyMs);
  const sorted = [...latencies].sort((a, b) => a - b);
  const median = sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
  // The scale follows the passed checks; a failure far above them (a timeout) sits on the top edge, marked off-scale.
  const okLatencies = data.filter((p) => p.status === 'healthy').map((p) => p.latencyMs);
  const limit = okLatencies.length ? Math.max(50, 4 * Math.max(...okLatencies)) : Infinity;
  const top = Math.max(1, ...latencies.filter((l) => l <= limit)) * 1.15;
  const step = niceStep(top);
  const max = step * Math.ceil(top / step);
  const t0 = data.length ? new Date(data[0].checkedAt).getTime() : 0;
  const t1 = data.length ? new Date(data[data.length - 1].checkedAt).getTime() : 1;
  const span = Math.max(1, t1 - t0);
  const x = (p) => PAD.left + ((new Date(p.checkedAt).getTime() - t0) / span) * (W - PAD.left - PAD.right);
  const y = (ms) => PAD.top + (1 - ms / max) * (H - PAD.top - PAD.bottom);
  const summary = data.length
    ? `${title}: ${data.length} checks, median ${median} ms, highest ${sorted[sorted.length - 1]} ms, ${failed.length} failed.`
    : `${title}: no checks yet.`;

  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'chart', role: 'img', 'aria-label': summary });
  chart.append(svg('title', null, summary));

  for (let v = 0; v <= max; v += step) {
    chart.append(
      svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'chart-grid' }),
      svg('text', { x: PAD.left - 8, y: y(v) + 4, 'text-anchor': 'end', class: 'chart-label' }, `${Math.round(v)} ms`));
  }
  if (data.length) {
    const ticks = Math.min(data.length > 1 ? 5 : 1, Math.floor((W - PAD.left - PAD.right) / 110) + 1);
    for (let i = 0; i < ticks; i += 1) {
      const t = ticks === 1 ? t0 : t0 + (span * i) / (ticks - 1);
      const at = PAD.left + (ticks === 1 ? 0 : ((W - PAD.left - PAD.right) * i) / (ticks - 1));
      const anchor = i === 0 ? 'start' : i === ticks - 1 ? 'end' : 'middle';
      chart.append(svg('text', { x: at, y: H - 10, 'text-anchor': anchor, class: 'chart-label' }, clockTime(new Date(t).toISOString()).slice(0, 8)));
    }
    const ok = data.filter((p) => p.status === 'healthy');
    if (ok.length > 1) chart.append(svg('polyline', { class: 'chart-line', points: ok.map((p) => `${x(p).toFixed(1)},${y(p.latencyMs).toFixed(1)}`).join(' ') }));
    for (const p of ok) {
      chart.append(svg('circle', { cx: x(p).toFixed(1), cy: y(p.latencyMs).toFixed(1), r: 3.5, class: 'chart-ok' },
        svg('title', null, `${when(p.checkedAt)}: passed in ${p.latencyMs} ms (HTTP ${p.httpStatus ?? '?'})`)));
    }
    // Failures close together share one label ("failed ×2"), so labels never overlap.
    const clusters = [];
    for (const p of failed) {
      const cx = x(p);
      const cluster = clusters[clusters.length - 1];
      if (cluster && cx - cluster.lastX < LABEL_GAP) {
        cluster.points.push(p);
        cluster.lastX = cx;
      } else {
        clusters.push({ points: [p], firstX: cx, lastX: cx });
      }
    }
    for (const cluster of clusters) {
      for (const p of cluster.points) {
        const cx = x(p);
        const off = p.latencyMs > max;
        const cy = off ? PAD.top : y(p.latencyMs);
        chart.append(svg('g', { class: 'chart-fail' },
          svg('title', null, `${when(p.checkedAt)}: FAILED after ${p.latencyMs} ms${p.httpStatus ? ` (HTTP ${p.httpStatus})` : ''}${p.error ? `: ${p.error}` : ''}`),
          svg('path', { d: `M${cx - 5},${cy - 5} L${cx + 5},${cy + 5} M${cx - 5},${cy + 5} L${cx + 5},${cy - 5}` }),
          off ? svg('path', { class: 'chart-off-scale', d: `M${cx},${cy - 8} L${cx},${cy - 16} M${cx - 3},${cy - 13} L${cx},${cy - 16} L${cx + 3},${cy - 13}` }) : null));
      }
      const n = cluster.points.length;
      const lx = (cluster.firstX + cluster.lastX) / 2;
      const highest = Math.min(...cluster.points.map((p) => (p.latencyMs > max ? PAD.top : y(p.latencyMs))));
      const ly = Math.max(12, highest - (cluster.points.some((p) => p.latencyMs > max) ? 22 : 10));
      const offText = cluster.points.some((p) => p.latencyMs > max) ? ` ${Math.max(...cluster.points.map((p) => p.latencyMs))} ms` : '';
      chart.append(svg('text', { x: lx, y: ly, 'text-anchor': 'middle', class: 'chart-fail-label' }, `failed${n > 1 ? ` ×${n}` : ''}${offText}`));
    }
  } else {
    chart.append(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'chart-label' }, 'No checks yet'));
  }

  const legend = h('p', { class: 'chart-legend' },
    h('span', { class: 'legend-ok' }, h('span', { 'aria-hidden': 'true' }, '● '), `passed (${data.length - failed.length})`),
    h('span', { class: 'legend-fail' }, h('span', { 'aria-hidden': 'true' }, '✕ '), `failed (${failed.length})`),
    h('span', { class: 'muted' }, `median ${median} ms`));
  return h('figure', { class: 'chart-figure' }, chart, h('figcaption', null, legend));
}

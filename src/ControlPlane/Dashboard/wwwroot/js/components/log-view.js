// A virtualized log viewer: a ring buffer of up to `capacity` lines, and only the rows in sight (plus an overscan)
// in the DOM. Rows have one fixed height, so any line's position is index × height and scrolling costs the same
// with 100 lines or 100,000.
import { h } from '../dom.js';
import { renderAnsi, stripAnsi } from './ansi.js';
import { clockTime, when } from '../format.js';

export class LogView {
  constructor({ capacity = 100_000, overscan = 40, label = 'Log lines', onChange = () => {}, onNearTop = () => {} } = {}) {
    this.capacity = capacity;
    this.overscan = overscan;
    this.onChange = onChange;
    this.onNearTop = onNearTop;
    this.lines = new Array(capacity);
    this.start = 0;
    this.length = 0;
    this.dropped = 0;
    this.follow = true;
    this.paused = false;
    this.newWhilePaused = 0;
    this.highlight = '';
    this.rowHeight = 20;
    this.pool = [];
    this.frame = 0;

    this.rows = h('div', { class: 'log-rows', role: 'list', 'aria-label': label });
    this.spacer = h('div', { class: 'log-spacer' }, this.rows);
    this.empty = h('p', { class: 'log-empty' }, 'No log lines yet.');
    this.element = h('div', { class: 'log-view', tabindex: '0', role: 'region', 'aria-label': `${label} (scroll with the arrow keys, Page Up/Down, Home and End)` },
      this.spacer, this.empty);
    this.element.addEventListener('scroll', () => this.onScroll(), { passive: true });
    this.resizeObserver = new ResizeObserver(() => this.schedule());
    this.resizeObserver.observe(this.element);
  }

  destroy() {
    cancelAnimationFrame(this.frame);
    this.resizeObserver.disconnect();
  }

  at(index) {
    return this.lines[(this.start + index) % this.capacity];
  }

  get oldest() {
    return this.length ? this.at(0) : null;
  }

  get newest() {
    return this.length ? this.at(this.length - 1) : null;
  }

  clear() {
    this.lines = new Array(this.capacity);
    this.start = 0;
    this.length = 0;
    this.dropped = 0;
    this.newWhilePaused = 0;
    this.follow = !this.paused;
    this.element.scrollTop = 0;
    this.schedule();
  }

  /** Newer lines at the end; when full, the oldest go (and the view keeps showing the same lines). */
  append(batch) {
    let droppedNow = 0;
    for (const line of batch) {
      if (this.length < this.capacity) {
        this.lines[(this.start + this.length) % this.capacity] = line;
        this.length += 1;
      } else {
        this.lines[this.start] = line;
        this.start = (this.start + 1) % this.capacity;
        droppedNow += 1;
      }
    }
    this.dropped += droppedNow;
    if (this.paused) this.newWhilePaused += batch.length;
    this.pendingShift = (this.pendingShift ?? 0) - droppedNow;
    this.schedule();
  }

  /** Older lines at the start, oldest first; returns how many fitted. */
  prepend(batch) {
    const room = Math.min(batch.length, this.capacity - this.length);
    const take = batch.slice(batch.length - room);
    for (let i = take.length - 1; i >= 0; i -= 1) {
      this.start = (this.start - 1 + this.capacity) % this.capacity;
      this.lines[this.start] = take[i];
      this.length += 1;
    }
    this.pendingShift = (this.pendingShift ?? 0) + take.length;
    this.schedule();
    return room;
  }

  setPaused(paused) {
    this.paused = paused;
    this.newWhilePaused = 0;
    if (!paused) this.jumpToBottom();
    else this.follow = false;
    this.notify();
  }

  setHighlight(text) {
    this.highlight = text;
    this.pool.forEach((row) => { row.line = undefined; });
    this.schedule();
  }

  jumpToBottom() {
    this.paused = false;
    this.follow = true;
    this.render();
    this.element.scrollTop = this.element.scrollHeight;
    this.render();
    this.notify();
  }

  onScroll() {
    const el = this.element;
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - this.rowHeight;
    if (!this.paused && this.follow !== atBottom) {
      this.follow = atBottom;
      this.notify();
    }
    if (el.scrollTop < this.rowHeight * 20 && this.length > 0) this.onNearTop();
    this.schedule();
  }

  schedule() {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  notify() {
    this.onChange({ length: this.length, dropped: this.dropped, follow: this.follow, paused: this.paused, newWhilePaused: this.newWhilePaused });
  }

  measure() {
    if (this.measured || !this.element.isConnected) return;
    const probe = this.makeRow();
    probe.querySelector('.log-msg').textContent = 'M';
    this.rows.appendChild(probe);
    const height = probe.getBoundingClientRect().height;
    probe.remove();
    if (height > 0) {
      this.rowHeight = height;
      this.measured = true;
    }
  }

  makeRow() {
    return h('div', { class: 'log-row', role: 'listitem' },
      h('span', { class: 'log-time' }), h('span', { class: 'log-stream' }), h('span', { class: 'log-msg' }));
  }

  render() {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    this.measure();
    const el = this.element;
    const rh = this.rowHeight;
    this.spacer.style.height = `${this.length * rh}px`;
    this.empty.hidden = this.length > 0;
    // Keep the same lines in sight when older lines were dropped or prepended.
    if (this.pendingShift) {
      if (!this.follow || this.paused) {
        el.scrollTop = Math.max(0, el.scrollTop + this.pendingShift * rh);
      }
      this.pendingShift = 0;
    }
    if (this.follow && !this.paused) {
      const bottom = Math.max(0, this.length * rh - el.clientHeight);
      if (Math.abs(el.scrollTop - bottom) > 1) {
        el.scrollTop = bottom;
      }
    }
    const height = el.clientHeight || 480;
    const first = Math.max(0, Math.floor(el.scrollTop / rh) - this.overscan);
    const last = Math.min(this.length, Math.ceil((el.scrollTop + height) / rh) + this.overscan);
    const count = Math.max(0, last - first);
    while (this.pool.length < count) {
      const row = this.makeRow();
      this.pool.push(row);
      this.rows.appendChild(row);
    }
    while (this.pool.length > count) this.pool.pop().remove();
    this.rows.style.transform = `translateY(${first * rh}px)`;
    for (let i = 0; i < count; i += 1) this.fill(this.pool[i], this.at(first + i));
    this.notify();
  }

  fill(row, line) {
    if (row.line === line) return;
    row.line = line;
    const [time, stream, msg] = row.children;
    row.dataset.id = line.id;
    row.dataset.stream = line.stream;
    time.textContent = clockTime(line.timestamp);
    time.title = when(line.timestamp);
    stream.textContent = line.stream === 'stderr' ? 'err' : 'out';
    stream.title = line.stream;
    renderAnsi(msg, line.message, this.highlight);
    msg.title = line.message.length > 120 ? stripAnsi(line.message).slice(0, 2000) : '';
  }
}

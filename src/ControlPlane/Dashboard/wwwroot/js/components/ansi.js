// ANSI SGR colours in log lines become spans with classes; the text itself only ever goes in as text nodes.
// Any other escape sequence (cursor moves, titles) is dropped.
const SEQUENCE = /\x1b\[([0-9;:]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]?/g;

function palette256(n) {
  if (n < 16) return null;
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v}, ${v}, ${v})`;
  }
  const i = n - 16;
  const c = (x) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${c(Math.floor(i / 36))}, ${c(Math.floor(i / 6) % 6)}, ${c(i % 6)})`;
}

function basicClass(kind, n) {
  // n: 0..15 of the 16 basic colours.
  return n < 8 ? `ansi-${kind}-${30 + n}` : `ansi-${kind}-${90 + n - 8}`;
}

function apply(state, params) {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i += 1) {
    const code = codes[i];
    if (code === 0) Object.assign(state, { bold: false, dim: false, italic: false, underline: false, fg: null, bg: null, fgRgb: null, bgRgb: null });
    else if (code === 1) state.bold = true;
    else if (code === 2) state.dim = true;
    else if (code === 3) state.italic = true;
    else if (code === 4) state.underline = true;
    else if (code === 22) { state.bold = false; state.dim = false; }
    else if (code === 23) state.italic = false;
    else if (code === 24) state.underline = false;
    else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) { state.fg = `ansi-fg-${code}`; state.fgRgb = null; }
    else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) { state.bg = `ansi-bg-${code - 10}`; state.bgRgb = null; }
    else if (code === 39) { state.fg = null; state.fgRgb = null; }
    else if (code === 49) { state.bg = null; state.bgRgb = null; }
    else if (code === 38 || code === 48) {
      const kind = code === 38 ? 'fg' : 'bg';
      let cls = null;
      let rgb = null;
      if (codes[i + 1] === 5) {
        const n = codes[i + 2] ?? 0;
        if (n < 16) cls = basicClass(kind, n); else rgb = palette256(n);
        i += 2;
      } else if (codes[i + 1] === 2) {
        rgb = `rgb(${codes[i + 2] ?? 0}, ${codes[i + 3] ?? 0}, ${codes[i + 4] ?? 0})`;
        i += 4;
      }
      state[kind] = cls;
      state[`${kind}Rgb`] = rgb;
    }
  }
}

/** Splits a line into [{text, classes, fgRgb, bgRgb}] segments. */
export function ansiSegments(line) {
  if (!line.includes('\x1b')) return [{ text: line, classes: '', fgRgb: null, bgRgb: null }];
  const state = { bold: false, dim: false, italic: false, underline: false, fg: null, bg: null, fgRgb: null, bgRgb: null };
  const out = [];
  let last = 0;
  const push = (text) => {
    if (!text) return;
    const classes = [state.fg, state.bg, state.bold && 'ansi-bold', state.dim && 'ansi-dim', state.italic && 'ansi-italic', state.underline && 'ansi-underline']
      .filter(Boolean).join(' ');
    out.push({ text, classes, fgRgb: state.fgRgb, bgRgb: state.bgRgb });
  };
  SEQUENCE.lastIndex = 0;
  for (let m = SEQUENCE.exec(line); m; m = SEQUENCE.exec(line)) {
    push(line.slice(last, m.index));
    last = SEQUENCE.lastIndex;
    if (m[2] === 'm') apply(state, m[1]);
  }
  push(line.slice(last));
  return out;
}

function appendHighlighted(parent, text, needle) {
  if (!needle) {
    parent.appendChild(document.createTextNode(text));
    return;
  }
  const lower = text.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(needle, from); at !== -1; at = lower.indexOf(needle, from)) {
    if (at > from) parent.appendChild(document.createTextNode(text.slice(from, at)));
    const mark = document.createElement('mark');
    mark.textContent = text.slice(at, at + needle.length);
    parent.appendChild(mark);
    from = at + needle.length;
  }
  if (from < text.length) parent.appendChild(document.createTextNode(text.slice(from)));
}

/** Fills `el` with the line's text (inert), coloured by its ANSI codes, with `highlight` matches in <mark>. */
export function renderAnsi(el, line, highlight) {
  el.replaceChildren();
  const needle = highlight ? highlight.toLowerCase() : '';
  for (const seg of ansiSegments(line)) {
    if (!seg.classes && !seg.fgRgb && !seg.bgRgb) {
      appendHighlighted(el, seg.text, needle);
      continue;
    }
    const span = document.createElement('span');
    if (seg.classes) span.className = seg.classes;
    // CSSOM writes are allowed by a style-src 'self' policy (only style attributes and <style> are not).
    if (seg.fgRgb) span.style.color = seg.fgRgb;
    if (seg.bgRgb) span.style.backgroundColor = seg.bgRgb;
    appendHighlighted(span, seg.text, needle);
    el.appendChild(span);
  }
}

/** The line without escape sequences (for copying and titles). */
export function stripAnsi(line) {
  return line.replace(SEQUENCE, '');
}

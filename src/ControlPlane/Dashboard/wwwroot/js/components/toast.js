// Short notices in a polite live region: what the user did was accepted, and later how it went. They fade after a
// while; a failure stays longer, since it says what to do next.
import { h } from '../dom.js';

export function toast(message, tone = 'ok', { timeout } = {}) {
  const region = document.getElementById('toasts');
  if (!region) return;
  const icon = tone === 'bad' ? '✕' : tone === 'busy' ? '◐' : tone === 'idle' ? '○' : '✓';
  const item = h('div', { class: `toast tone-${tone}` }, h('span', { class: 'badge-icon', 'aria-hidden': 'true' }, icon), ' ', message);
  region.append(item);
  setTimeout(() => item.remove(), timeout ?? (tone === 'bad' ? 20000 : 8000));
}

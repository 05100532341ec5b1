// Short confirmations ("Deploy accepted") in a polite live region; they fade after a while.
import { h } from '../dom.js';

export function toast(message, tone = 'ok') {
  const region = document.getElementById('toasts');
  if (!region) return;
  const icon = tone === 'bad' ? '✕' : tone === 'busy' ? '◐' : '✓';
  const item = h('div', { class: `toast tone-${tone}` }, h('span', { class: 'badge-icon', 'aria-hidden': 'true' }, icon), ' ', message);
  region.append(item);
  setTimeout(() => item.remove(), 6000);
}

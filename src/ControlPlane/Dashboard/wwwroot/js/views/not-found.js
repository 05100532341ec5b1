import { h } from '../dom.js';

export function notFound(outlet) {
  document.title = 'Not found · PersonalCloud';
  outlet.replaceChildren(h('section', { class: 'page narrow' },
    h('h1', null, 'Page not found'),
    h('p', null, 'Nothing lives at this address. ', h('a', { href: '/' }, 'Go to your apps'), '.')));
}

// History API routing: a table of patterns, one view at a time; each view gets an AbortSignal that ends its
// polls and streams when the user navigates away.
const routes = [];
let outlet = null;
let current = null;

export function route(pattern, view) {
  const names = [];
  const source = pattern.replace(/\/:(\w+)(\?)?/g, (_, name, optional) => {
    names.push(name);
    return optional ? '(?:/([^/]+))?' : '/([^/]+)';
  });
  routes.push({ regex: new RegExp(`^${source}/?$`), names, view });
}

export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  return render();
}

export function currentPath() {
  return location.pathname + location.search;
}

async function render() {
  current?.controller.abort();
  const controller = new AbortController();
  const path = location.pathname;
  const query = new URLSearchParams(location.search);
  const match = routes.map((r) => ({ r, m: r.regex.exec(path) })).find((x) => x.m);
  current = { controller };
  if (!match) {
    const { notFound } = await import('./views/not-found.js');
    notFound(outlet);
    return;
  }
  const params = {};
  match.r.names.forEach((name, i) => {
    if (match.m[i + 1] !== undefined) params[name] = decodeURIComponent(match.m[i + 1]);
  });
  try {
    await match.r.view({ outlet, params, query, signal: controller.signal });
  } catch (error) {
    if (controller.signal.aborted) return;
    // A page that failed to build says so instead of staying blank; the error still reaches the console.
    const box = document.createElement('p');
    box.className = 'form-error';
    box.setAttribute('role', 'alert');
    box.textContent = `This page could not be shown: ${error.message}`;
    outlet.append(box);
    throw error;
  }
  if (!controller.signal.aborted) focusHeading();
}

// After a page change, move focus to the page's heading, so keyboard and screen-reader users start at the top.
let firstRender = true;
function focusHeading() {
  if (firstRender) {
    firstRender = false;
    return;
  }
  const heading = outlet.querySelector('h1');
  if (heading && !outlet.contains(document.activeElement)) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
}

function onClick(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest('a[href]');
  if (!link || link.target || link.hasAttribute('download') || link.dataset.external !== undefined) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/auth/')) return;
  if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
  event.preventDefault();
  if (url.pathname + url.search !== currentPath()) navigate(url.pathname + url.search);
}

export function start(element) {
  outlet = element;
  document.addEventListener('click', onClick);
  window.addEventListener('popstate', () => render());
  return render();
}

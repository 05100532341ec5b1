// Entry point: check the session, wire the routes, start the router.
import { loadSession, logout, setUnauthorizedHandler } from './api.js';
import { route, start, navigate, currentPath } from './router.js';
import { showLogin } from './views/login.js';
import { showAppsList } from './views/apps-list.js';
import { showAppPage } from './views/app-page.js';
import { showAudit } from './views/audit.js';
import { toast } from './components/toast.js';

const main = document.getElementById('main');
const topbar = document.getElementById('topbar');
const session = { authenticated: false };

function setSignedIn(signedIn) {
  session.authenticated = signedIn;
  topbar.hidden = !signedIn;
}

function toLogin() {
  if (location.pathname === '/login') return;
  setSignedIn(false);
  navigate(`/login?next=${encodeURIComponent(currentPath())}`, { replace: true });
}

// Views that need a session: without one, go to the login page and come back afterwards.
function guarded(view) {
  return async (ctx) => {
    if (!session.authenticated) {
      toLogin();
      return;
    }
    setSignedIn(true);
    const onList = location.pathname === '/' || location.pathname.startsWith('/apps/new') || location.pathname === '/apps';
    document.getElementById('nav-apps').setAttribute('aria-current', onList ? 'page' : 'false');
    document.getElementById('nav-audit').setAttribute('aria-current', location.pathname === '/audit' ? 'page' : 'false');
    await view(ctx);
  };
}

route('/login', (ctx) => {
  if (session.authenticated) return navigate('/', { replace: true });
  return showLogin({ ...ctx, onSignedIn: () => setSignedIn(true) });
});
route('/', guarded(showAppsList));
route('/apps', guarded(showAppsList));
route('/apps/new', guarded((ctx) => showAppsList({ ...ctx, create: true })));
route('/apps/:id/:tab?', guarded(showAppPage));
route('/audit', guarded(showAudit));

setUnauthorizedHandler(toLogin);

document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

document.getElementById('logout').addEventListener('click', async () => {
  try {
    await logout();
  } catch (error) {
    toast(`Log out failed: ${error.message}`, 'bad');
    return;
  }
  setSignedIn(false);
  navigate('/login', { replace: true });
});

async function boot() {
  window.dispatchEvent(new Event('pcloud:started'));
  try {
    const s = await loadSession();
    setSignedIn(Boolean(s.authenticated));
  } catch (error) {
    main.replaceChildren();
    const p = document.createElement('p');
    p.className = 'form-error';
    p.textContent = `The dashboard cannot reach the server: ${error.message}`;
    main.append(p);
    return;
  }
  await start(main);
}

boot();

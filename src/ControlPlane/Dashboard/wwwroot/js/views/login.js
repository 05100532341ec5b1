// The login page: the dashboard password or the API token opens a cookie session.
import { h } from '../dom.js';
import { login } from '../api.js';
import { navigate } from '../router.js';
import { field, formError, submitting } from '../components/forms.js';

function safeNext(query) {
  const next = query.get('next');
  // Only same-site paths: never bounce to another origin after login.
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export function showLogin({ outlet, query, onSignedIn }) {
  document.title = 'Sign in · PersonalCloud';
  const form = h('form', { class: 'login-form', novalidate: true },
    // For password managers: the one account is the owner's.
    h('input', { type: 'text', name: 'username', autocomplete: 'username', value: 'owner', hidden: true, 'aria-hidden': 'true', tabindex: '-1' }),
    field({ name: 'secret', label: 'Password or API token', type: 'password', required: true, autocomplete: 'current-password',
      hint: 'The dashboard password, or the API token from $PCLOUD_DATA_DIR/api-token.' }),
    formError(),
    h('button', { type: 'submit', class: 'button button-primary button-block' }, 'Sign in'));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const secret = form.elements.secret.value;
    if (!secret) {
      form.elements.secret.focus();
      return;
    }
    const ok = await submitting(form, async () => {
      try {
        await login(secret);
      } catch (error) {
        if (error.status === 401) error.title = 'Wrong password or token.';
        throw error;
      }
    });
    if (ok) {
      onSignedIn();
      navigate(safeNext(query), { replace: true });
    } else {
      form.elements.secret.select();
    }
  });

  outlet.replaceChildren(h('section', { class: 'login' },
    h('div', { class: 'login-card' },
      h('p', { class: 'login-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '◆'), ' PersonalCloud'),
      h('h1', null, 'Sign in'),
      h('p', { class: 'muted' }, 'Your apps, their releases, logs and health, on your own server.'),
      form)));
  form.elements.secret.focus();
}

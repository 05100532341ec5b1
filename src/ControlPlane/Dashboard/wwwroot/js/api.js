// The one way the dashboard talks to the server: same-origin cookies, an antiforgery header on every mutation,
// problem details turned into ApiError, and any 401 from /api sending the user to the login page.
let csrfToken = null;
let onUnauthorized = () => {};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The server answered ${status}.`);
    this.status = status;
    this.title = problem?.title ?? `Request failed (${status})`;
    this.detail = problem?.detail ?? null;
    this.errors = problem?.errors ?? {};
    this.type = problem?.type ?? null;
  }
}

export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

const RETRIES = 3;

/** fetch, retrying a read a few times when the network drops it (no answer at all): reads are safe to repeat. */
async function fetchRead(path, init) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetch(path, init);
    } catch (error) {
      if (attempt >= RETRIES || init.signal?.aborted) throw error;
      await new Promise((resolve) => { setTimeout(resolve, 150 * attempt); });
    }
  }
}

export async function loadSession() {
  const res = await fetchRead('/auth/session', { credentials: 'same-origin', headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw new ApiError(res.status, await readProblem(res));
  const session = await res.json();
  csrfToken = session.csrfToken ?? null;
  return session;
}

async function readProblem(res) {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try { return await res.json(); } catch { return null; }
  }
  const text = await res.text().catch(() => '');
  return text ? { title: `Request failed (${res.status})`, detail: text.slice(0, 500) } : null;
}

function looksLikeAntiforgery(problem) {
  const text = `${problem?.type ?? ''} ${problem?.title ?? ''} ${problem?.detail ?? ''}`.toLowerCase();
  return text.includes('antiforgery') || text.includes('csrf');
}

async function send(method, path, { json, body, contentType, signal, retried = false } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken ?? '';
  let payload = body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(json);
  } else if (contentType) {
    headers['Content-Type'] = contentType;
  }
  const init = { method, headers, body: payload, credentials: 'same-origin', signal, cache: 'no-store' };
  // Only reads are retried: a change that got no answer may still have happened, so the user decides.
  let res;
  try {
    res = method === 'GET' ? await fetchRead(path, init) : await fetch(path, init);
  } catch (error) {
    if (signal?.aborted || method === 'GET') throw error;
    throw new ApiError(0, {
      title: 'No answer from the server.',
      detail: 'The connection dropped before an answer came, so the change may or may not have been made. Check, then try again.',
    });
  }
  if (res.ok) {
    if (res.status === 204) return { data: null, headers: res.headers };
    const type = res.headers.get('content-type') ?? '';
    const data = type.includes('json') ? await res.json() : await res.text();
    return { data, headers: res.headers };
  }
  const problem = await readProblem(res);
  if (res.status === 401 && path.startsWith('/api')) {
    onUnauthorized();
  } else if ((res.status === 400 || res.status === 403) && !retried && method !== 'GET' && looksLikeAntiforgery(problem)) {
    // An expired antiforgery token: fetch a fresh one and try once more.
    await loadSession();
    return send(method, path, { json, body, contentType, signal, retried: true });
  }
  throw new ApiError(res.status, problem);
}

export const api = {
  get: async (path, options) => (await send('GET', path, options)).data,
  getWithHeaders: (path, options) => send('GET', path, options),
  post: async (path, json, options) => (await send('POST', path, { ...options, json: json ?? {} })).data,
  put: async (path, json, options) => (await send('PUT', path, { ...options, json })).data,
  patch: async (path, json, options) => (await send('PATCH', path, { ...options, json })).data,
  del: async (path, options) => (await send('DELETE', path, options)).data,
  upload: async (path, file, contentType, options) => (await send('POST', path, { ...options, body: file, contentType })).data,
};

export async function login(secret) {
  await send('POST', '/auth/login', { json: { secret } });
  return loadSession();
}

export async function logout() {
  await send('POST', '/auth/logout', {});
  return loadSession();
}

export function appPath(id, rest = '') {
  return `/api/apps/${encodeURIComponent(id)}${rest}`;
}

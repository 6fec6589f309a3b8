// JSON calls to the master with the session cookie. State-changing calls carry the session's
// CSRF token (from /api/me); a lost session sends the browser back to the sign-in page.

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

let csrfToken = '';

export function setCsrfToken(token) {
  csrfToken = token || '';
}

export function loginUrl() {
  const next = `${window.location.pathname}${window.location.search}`;
  return `/login?next=${encodeURIComponent(next)}`;
}

// Set once the page starts to leave (a link, or a form such as "Sign out"). A session that ends
// because of that navigation (signing out closes the live stream at once) must not start a
// second navigation to the sign-in page: it would abort the one under way.
let leaving = false;
if (typeof window !== 'undefined') {
  window.addEventListener('beforeunload', () => {
    leaving = true;
  });
  window.addEventListener('pageshow', () => {
    leaving = false;
  });
}

export function redirectToLogin() {
  if (leaving) return;
  window.location.assign(loginUrl());
}

async function readBody(response) {
  const type = response.headers.get('Content-Type') || '';
  if (response.status === 204 || response.status === 304) return null;
  if (type.includes('application/json')) {
    try {
      return await response.json();
    } catch {
      return null;
    }
  }
  const text = await response.text();
  return text.length > 0 ? text : null;
}

/**
 * Calls `path` and returns the parsed body. Throws ApiError for an HTTP error (its message is
 * the server's {"error": ...}) and TypeError when the network fails.
 * Options: method, json (a body to send as JSON), body (raw), headers, signal, noLoginRedirect.
 */
export async function api(path, options = {}) {
  const method = options.method || 'GET';
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  let body = options.body;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    body,
    credentials: 'same-origin',
    cache: 'no-store',
    signal: options.signal,
  });
  const parsed = await readBody(response);
  if (response.status === 401 && !options.noLoginRedirect) {
    redirectToLogin();
    throw new ApiError(401, 'Your session has ended. Sign in again.', parsed);
  }
  if (!response.ok) {
    const message = parsed && typeof parsed === 'object' && typeof parsed.error === 'string'
      ? parsed.error
      : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message, parsed);
  }
  return parsed;
}

/** A message for a toast from whatever a call threw. */
export function describeError(error) {
  if (error instanceof ApiError) {
    if (error.status === 403) return `Not allowed: ${error.message}`;
    return error.message;
  }
  if (error instanceof TypeError) return 'The server cannot be reached.';
  return error && error.message ? error.message : String(error);
}

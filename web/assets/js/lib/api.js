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
  return (await call(path, options)).body;
}

/**
 * A paged list: `items` is the answer (a JSON array) and `next` the path of the next page, from
 * the `Link: <...>; rel="next"` header, or null on the last page.
 */
export async function apiPage(path, options = {}) {
  const { body, response } = await call(path, options);
  return { items: Array.isArray(body) ? body : [], next: nextLink(response.headers.get('Link')) };
}

/**
 * The target of the rel="next" link in a Link header value (RFC 8288), or null. Only same-origin
 * paths are taken, so a header cannot send the page elsewhere.
 */
export function nextLink(header) {
  if (!header) return null;
  for (const match of header.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]*)*)/g)) {
    const rels = [...match[2].matchAll(/;\s*rel\s*=\s*"?([^";,]*)"?/gi)]
      .flatMap((rel) => rel[1].trim().toLowerCase().split(/\s+/));
    if (rels.includes('next') && match[1].startsWith('/') && !match[1].startsWith('//')) {
      return match[1];
    }
  }
  return null;
}

async function call(path, options) {
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
  return { body: parsed, response };
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

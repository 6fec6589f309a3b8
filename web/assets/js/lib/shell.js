// The frame of every page: top bar with navigation (only the pages the user's role may open),
// the connection indicator, the signed-in user and sign-out.
import { h } from './dom.js';
import { describeError } from './api.js';
import { loadSession } from './session.js';

const PAGES = [
  { id: 'dashboard', href: '/dashboard', label: 'Dashboard', role: 'viewer' },
  { id: 'instances', href: '/instances', label: 'Instances', role: 'viewer' },
  { id: 'errors', href: '/errors', label: 'Errors', role: 'viewer' },
  { id: 'builds', href: '/builds', label: 'Builds', role: 'operator' },
  { id: 'users', href: '/users', label: 'Users', role: 'admin' },
  { id: 'audit', href: '/audit', label: 'Audit log', role: 'admin' },
];

const CONNECTION_TEXT = {
  connecting: 'Connecting',
  live: 'Live',
  polling: 'Polling',
  offline: 'Offline',
};

/**
 * Builds the top bar for `pageId`, loads the session and returns it. `live`: whether the page
 * shows the connection indicator.
 */
export async function initShell(pageId, { live = false } = {}) {
  const topbar = document.getElementById('topbar');
  const nav = h('nav', { className: 'nav', attrs: { 'aria-label': 'Main' } });
  const connection = h('span', {
    className: 'conn',
    id: 'connection',
    hidden: !live,
    dataset: { state: 'connecting' },
    attrs: { role: 'status', 'aria-live': 'polite', 'data-testid': 'connection' },
  }, h('span', { className: 'conn-text', text: CONNECTION_TEXT.connecting }));
  const email = h('span', { className: 'email', attrs: { 'data-testid': 'user-email' } });
  const role = h('span', { className: 'role-badge', attrs: { 'data-testid': 'user-role' } });
  const toggle = h('button', {
    className: 'menu-toggle',
    type: 'button',
    text: 'Menu',
    attrs: { 'aria-expanded': 'false', 'aria-controls': 'main-nav' },
  });
  nav.id = 'main-nav';
  const logout = h('form', { className: 'logout-form', attrs: { method: 'post', action: '/logout' } },
    h('button', { type: 'submit', text: 'Sign out', attrs: { 'data-testid': 'logout' } }));

  topbar.replaceChildren(
    h('a', { className: 'brand', href: '/dashboard' },
      h('img', { src: '/assets/img/logo.svg', alt: '', width: 26, height: 26 }),
      h('span', { text: 'Spawner Registry' })),
    toggle,
    nav,
    h('div', { className: 'topbar-right' }, connection,
      h('span', { className: 'user-chip' }, email, role), logout));
  toggle.addEventListener('click', () => {
    const open = topbar.dataset.menu !== 'open';
    topbar.dataset.menu = open ? 'open' : 'closed';
    toggle.setAttribute('aria-expanded', String(open));
  });

  let session;
  try {
    session = await loadSession();
  } catch (error) {
    showPageError(`Cannot load your session: ${describeError(error)}`);
    throw error;
  }
  for (const page of PAGES) {
    if (!session.can(page.role)) continue;
    nav.append(h('a', {
      href: page.href,
      text: page.label,
      attrs: { 'aria-current': page.id === pageId ? 'page' : undefined, 'data-nav': page.id },
    }));
  }
  email.textContent = session.email;
  email.title = session.email;
  role.textContent = session.role;
  return session;
}

/** Shows the live connection's state in the top bar. */
export function setConnectionState(state) {
  const element = document.getElementById('connection');
  if (!element || element.dataset.state === state) return;
  element.dataset.state = state;
  element.firstElementChild.textContent = CONNECTION_TEXT[state] || state;
  element.title = state === 'polling'
    ? 'The live stream is unavailable: refreshing every 3 seconds'
    : state === 'offline' ? 'The server cannot be reached' : '';
}

/** A banner at the top of the page's main area. */
export function showPageError(message) {
  const main = document.querySelector('main');
  if (!main) return;
  main.prepend(h('div', { className: 'banner', dataset: { kind: 'error' }, attrs: { role: 'alert' }, text: message }));
}

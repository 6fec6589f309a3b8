// Short messages in the corner: the visible result of every action.
import { h } from './dom.js';

const LIFETIME_MS = { success: 4000, info: 4000, error: 8000 };

function container() {
  let element = document.getElementById('toasts');
  if (!element) {
    element = h('div', { className: 'toasts', id: 'toasts', attrs: { 'aria-live': 'polite' } });
    document.body.append(element);
  }
  return element;
}

/** kind: 'success' | 'error' | 'info'. */
export function toast(kind, title, text = '') {
  const close = h('button', { type: 'button', text: '×', attrs: { 'aria-label': 'Dismiss' } });
  const element = h('div', {
    className: 'toast',
    dataset: { kind },
    attrs: { role: kind === 'error' ? 'alert' : 'status' },
  },
  h('div', {}, h('div', { className: 'toast-title', text: title }),
    text ? h('div', { className: 'toast-text', text }) : null),
  close);
  const remove = () => element.remove();
  close.addEventListener('click', remove);
  container().append(element);
  setTimeout(remove, LIFETIME_MS[kind] || 5000);
  return element;
}

// The error log: filters, newest first, older pages on demand, and new errors as they happen
// (the stream's `http_error` events; polling when the stream is unavailable).
import { $, h, setText } from '../lib/dom.js';
import { apiPage, describeError } from '../lib/api.js';
import { formatDateTime, formatInteger } from '../lib/format.js';
import { LiveConnection } from '../lib/live.js';
import { initShell } from '../lib/shell.js';
import { toast } from '../lib/toast.js';

await initShell('errors', { live: true });

const form = $('#filters');
const statusFilter = $('#status-filter');
const pathFilter = $('#path-filter');
const rows = $('#error-rows');
const count = $('#error-count');
const pagerText = $('#error-pager-text');
const loadOlder = $('#load-older');

const PAGE_SIZE = 100;
const MAX_ROWS = 2000;
let shown = [];          // newest first
let nextPage = null;     // the Link rel="next" of the last page loaded, for "Load older"
let generation = 0;      // discards answers to superseded filters

function filterParams() {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (statusFilter.value) params.set('status', statusFilter.value);
  const path = pathFilter.value.trim();
  if (path) params.set('path', path);
  return params;
}

// The same test the server applies, for errors that arrive live.
function matchesFilter(error) {
  const status = statusFilter.value;
  if (status.endsWith('xx')) {
    if (Math.floor(error.status / 100) !== Number(status[0])) return false;
  } else if (status && error.status !== Number(status)) {
    return false;
  }
  const path = pathFilter.value.trim().toLowerCase();
  return !path || String(error.path).toLowerCase().includes(path);
}

function rowFor(error, fresh) {
  const statusClass = String(Math.floor(error.status / 100));
  return h('tr', { className: fresh ? 'flash' : '', dataset: { sequence: error.sequence }, attrs: { 'data-testid': 'error-row' } },
    h('td', { className: 'muted', text: formatDateTime(error.timestamp), title: error.timestamp }),
    h('td', { className: 'mono', text: error.method }),
    h('td', { className: 'mono wrap', text: error.path, attrs: { 'data-testid': 'error-path' } }),
    h('td', { className: 'num' }, h('span', { className: 'status-code', dataset: { class: statusClass }, text: error.status })),
    h('td', { className: 'wrap', text: error.message }),
    h('td', { className: 'mono', text: error.client_ip }));
}

function render(freshSequences = new Set()) {
  if (shown.length === 0) {
    rows.replaceChildren(h('tr', { className: 'empty-row' },
      h('td', { attrs: { colspan: 6 }, text: 'No errors match. Good news.' })));
  } else {
    rows.replaceChildren(...shown.map((error) => rowFor(error, freshSequences.has(error.sequence))));
  }
  setText(count, `${formatInteger(shown.length)} shown`);
  loadOlder.hidden = nextPage === null;
  setText(pagerText, nextPage === null ? 'End of the log' : 'Older errors are available');
}

async function loadFirstPage() {
  const mine = ++generation;
  try {
    const page = await apiPage(`/api/errors?${filterParams()}`);
    if (mine !== generation) return;
    const known = new Set(shown.map((error) => error.sequence));
    const fresh = new Set(page.items.filter((error) => shown.length > 0 && !known.has(error.sequence))
      .map((error) => error.sequence));
    // Keep older pages the user loaded when only new errors came in.
    const oldest = page.items.length > 0 ? page.items[page.items.length - 1].sequence : Infinity;
    const older = shown.filter((error) => error.sequence < oldest);
    shown = page.items.concat(older).slice(0, MAX_ROWS);
    if (older.length === 0) nextPage = page.next;
    render(fresh);
  } catch (error) {
    if (mine === generation) toast('error', 'Cannot load errors', describeError(error));
    throw error;
  }
}

async function loadOlderPage() {
  if (nextPage === null) return;
  const mine = generation;
  try {
    // The server's Link carries the filters and the page size along with `before`.
    const page = await apiPage(nextPage);
    if (mine !== generation) return;
    shown = shown.concat(page.items).slice(0, MAX_ROWS);
    nextPage = page.next;
    render();
  } catch (error) {
    toast('error', 'Cannot load older errors', describeError(error));
  }
}

function onLiveErrors(batch) {
  const known = new Set(shown.map((error) => error.sequence));
  const fresh = batch.errors.filter((error) => matchesFilter(error) && !known.has(error.sequence)).reverse();
  if (fresh.length === 0) return;
  shown = fresh.concat(shown).slice(0, MAX_ROWS);
  render(new Set(fresh.map((error) => error.sequence)));
}

let typingTimer = null;
function refilter() {
  shown = [];
  nextPage = null;
  loadFirstPage().catch(() => {});
}
statusFilter.addEventListener('change', refilter);
pathFilter.addEventListener('input', () => {
  clearTimeout(typingTimer);
  typingTimer = setTimeout(refilter, 250);
});
form.addEventListener('submit', (event) => event.preventDefault());
form.addEventListener('reset', () => setTimeout(refilter, 0));
loadOlder.addEventListener('click', loadOlderPage);

await loadFirstPage().catch(() => {});
new LiveConnection({
  handlers: {
    // A reconnection may have missed errors beyond the replay buffer: catch up once.
    hello: () => loadFirstPage().catch(() => {}),
    http_error: onLiveErrors,
  },
  poll: loadFirstPage,
}).start();

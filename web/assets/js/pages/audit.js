// The audit log (admin), newest first, a page at a time.
import { $, h, setText } from '../lib/dom.js';
import { api, describeError } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import { initShell } from '../lib/shell.js';
import { toast } from '../lib/toast.js';

await initShell('audit');

const PAGE_SIZE = 50;
const rows = $('#audit-rows');
const pageText = $('#audit-page-text');
const newer = $('#audit-newer');
const older = $('#audit-older');

// `before` of each page shown so far: the first page has none.
const cursors = [null];
let nextBefore = null;

function rowFor(entry) {
  return h('tr', { attrs: { 'data-testid': 'audit-row' } },
    h('td', { className: 'muted', text: formatDateTime(entry.time), title: entry.time }),
    h('td', { text: entry.actor || '—' }),
    h('td', {}, h('span', { className: 'badge plain', text: entry.action })),
    h('td', { className: 'mono', text: entry.target || '' }),
    h('td', { className: 'mono', text: entry.ip || '' }),
    h('td', { className: 'wrap', text: entry.detail || '' }));
}

async function show(pageIndex) {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  const before = cursors[pageIndex];
  if (before !== null && before !== undefined) params.set('before', String(before));
  try {
    const page = await api(`/api/audit?${params}`);
    const entries = page.entries || [];
    rows.replaceChildren(...(entries.length > 0 ? entries.map(rowFor)
      : [h('tr', { className: 'empty-row' }, h('td', { attrs: { colspan: 6 }, text: 'Nothing recorded yet.' }))]));
    nextBefore = page.next_before ?? null;
    cursors.length = pageIndex + 1;
    current = pageIndex;
    newer.disabled = pageIndex === 0;
    older.disabled = nextBefore === null;
    setText(pageText, `Page ${pageIndex + 1}`);
  } catch (error) {
    toast('error', 'Cannot load the audit log', describeError(error));
  }
}

let current = 0;
newer.addEventListener('click', () => show(Math.max(0, current - 1)));
older.addEventListener('click', () => {
  if (nextBefore === null) return;
  cursors[current + 1] = nextBefore;
  show(current + 1);
});

await show(0);

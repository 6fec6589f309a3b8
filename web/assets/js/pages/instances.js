// The Instances page: the game instances that match the filters (region, spawner, status),
// kept live by the stream's `instances` events (or by polling when the stream is down), a Stop
// action with a confirmation for operators, and the allocation failures reported live.
import { $, h } from '../lib/dom.js';
import { api, describeError } from '../lib/api.js';
import { confirmAction } from '../lib/dialog.js';
import { formatTime } from '../lib/format.js';
import { InstanceStore } from '../lib/instance-store.js';
import { LiveConnection } from '../lib/live.js';
import { initShell } from '../lib/shell.js';
import { toast } from '../lib/toast.js';
import { InstanceTable } from '../components/instance-table.js';

const session = await initShell('instances', { live: true });
const store = new InstanceStore();
const form = $('#instance-filters');
const regionFilter = $('#instance-region-filter');
const spawnerFilter = $('#instance-spawner-filter');
const statusFilter = $('#instance-status-filter');
const failureRows = $('#failure-rows');

const MAX_FAILURES = 50;
let failures = [];  // newest first

function describeInstance(instance) {
  return `${instance.id} (${instance.address || `${instance.host}:${instance.port}`} on spawner #${instance.spawner_id}, ${instance.region || 'no region'})`;
}

async function stopInstance(instance) {
  const confirmed = await confirmAction({
    title: 'Stop this instance?',
    message: `The master asks the spawner to stop instance ${describeInstance(instance)}. Players on it are disconnected.`,
    confirmLabel: 'Stop instance',
    danger: true,
  });
  if (!confirmed) return;
  try {
    await api(`/api/instances/${encodeURIComponent(instance.id)}`, { method: 'DELETE' });
    store.markStopped(instance.id);
    toast('success', `Instance ${instance.id} stopped`);
  } catch (error) {
    toast('error', `Could not stop ${instance.id}`, describeError(error));
  }
}

new InstanceTable($('#instances'), {
  store,
  canOperate: session.can('operator'),
  onStop: stopInstance,
  toolbar: form,
});

// Regions for the filter: those the master knows (GET /api/regions) and those seen in the list.
let knownRegions = '';
function showRegions(names) {
  const regions = Array.from(new Set(names.filter(Boolean)))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const signature = regions.join('\u0000');
  if (signature === knownRegions) return;
  knownRegions = signature;
  const selected = regionFilter.value;
  regionFilter.replaceChildren(h('option', { value: '', text: 'All regions' }),
    ...regions.map((region) => h('option', { value: region, text: region })));
  regionFilter.value = regions.includes(selected) ? selected : '';
}

async function loadRegions() {
  try {
    const regions = await api('/api/regions');
    if (Array.isArray(regions)) {
      showRegions([...regions.map((entry) => entry.region), ...store.all().map((i) => i.region), regionFilter.value]);
    }
  } catch {
    // Without the list the filter keeps the regions seen in instances.
  }
}
store.subscribe(() => showRegions([...knownRegions.split('\u0000'), ...store.all().map((i) => i.region)]));

function currentFilters() {
  const spawner = spawnerFilter.value.trim();
  return {
    region: regionFilter.value,
    spawner: /^\d+$/.test(spawner) ? spawner : '',
    status: statusFilter.value,
  };
}

function refilter() {
  store.setFilters(currentFilters()).catch((error) => toast('error', 'Cannot load instances', describeError(error)));
}

let typingTimer = null;
regionFilter.addEventListener('change', refilter);
statusFilter.addEventListener('change', refilter);
spawnerFilter.addEventListener('input', () => {
  clearTimeout(typingTimer);
  typingTimer = setTimeout(refilter, 250);
});
form.addEventListener('submit', (event) => event.preventDefault());
form.addEventListener('reset', () => setTimeout(refilter, 0));

function renderFailures(fresh = 0) {
  if (failures.length === 0) {
    failureRows.replaceChildren(h('tr', { className: 'empty-row' },
      h('td', { attrs: { colspan: 4 }, text: 'No allocation has failed since this page opened.' })));
    return;
  }
  failureRows.replaceChildren(...failures.map((failure, index) => h('tr', {
    className: index < fresh ? 'flash' : '',
    attrs: { 'data-testid': 'failure-row' },
  },
  h('td', { className: 'muted', text: formatTime(failure.receivedAt) }),
  h('td', { text: failure.region ?? '—' }),
  h('td', { className: 'num' }, h('span', { className: 'status-code', dataset: { class: String(Math.floor(failure.status / 100)) }, text: failure.status ?? '—' })),
  h('td', { className: 'wrap', text: failure.error ?? '' }))));
}

function onFailures(batch) {
  const now = Date.now();
  const fresh = (batch.failures || []).map((failure) => ({ ...failure, receivedAt: now })).reverse();
  failures = fresh.concat(failures).slice(0, MAX_FAILURES);
  renderFailures(fresh.length);
}

renderFailures();
await Promise.all([loadRegions(), store.reload().catch((error) => toast('error', 'Cannot load instances', describeError(error)))]);

new LiveConnection({
  handlers: {
    // A reconnection may have missed events beyond the replay buffer: fetch the list again.
    hello: () => {
      store.reload().catch(() => {});
      loadRegions();
    },
    instances: (event) => store.onEvent(event),
    allocation_failed: onFailures,
  },
  poll: () => store.reload(),
}).start();
